package io.hoist.api.transfer;

/** One progress report of one disk copy. {@code etaSeconds} is -1 when unknown. */
public record TransferProgress(String diskId, long bytesDone, long bytesTotal, double bytesPerSecond, long etaSeconds) {}
