package io.hoist.core.transfer.copy;

import io.hoist.api.HoistException;

/**
 * A disk copy that did not finish: the code says why ({@code TransferFailed} after retries ran out,
 * {@code ChecksumMismatch}, {@code TransferCancelled}, {@code TransferInvalid}); the message names the disk, the
 * offset and the last cause, never credentials.
 */
public class CopyFailedException extends HoistException {
    public CopyFailedException(Type type, String code, String message, Throwable cause) {
        super(type, code, message, cause);
    }

    public static CopyFailedException invalid(String message) {
        return new CopyFailedException(Type.USER_ERROR, "TransferInvalid", message, null);
    }
}
