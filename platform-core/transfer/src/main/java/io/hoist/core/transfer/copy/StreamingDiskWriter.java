package io.hoist.core.transfer.copy;

import io.hoist.api.transfer.DiskWriter;

/**
 * A writer that accepts bytes in offset order only and cannot be resumed half-way (an HTTP upload stream).
 * The copier writes blocks in order to it, never skips blocks, and never resumes it: its checkpoint entry records how
 * far an attempt got, so the next attempt can say that it starts again from byte 0.
 */
public interface StreamingDiskWriter extends DiskWriter {
    /** Gives the stream up: writes waiting for their turn fail at once (the copy failed elsewhere). */
    void abort();
}
