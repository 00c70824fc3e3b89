package io.hoist.core.transfer.tool;

import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.checksum.ChecksumMode;
import java.nio.file.Path;

/**
 * A one-disk copy as a user asks for it on the command line.
 *
 * @param source        file path, http(s) URL, nbd://host:port/export or nbd+unix:///export?socket=PATH
 * @param target        file path or http(s) upload URL
 * @param inFlight      requests in flight
 * @param requestSize   bytes per read request
 * @param rateMiBps     bandwidth limit in MiB/s, 0 = none
 * @param checkpointDir where checkpoints go, so an interrupted copy resumes; null = no checkpoints
 * @param tls           TLS for https sources and targets
 * @param showProgress  print a live progress line
 * @param checksum      {@code sha256-4m} or {@code xxh128-4m} (verify the copy) or {@code none} (no hashing, not verified)
 */
public record CopySpec(String source, String target, int inFlight, int requestSize, double rateMiBps,
                       Path checkpointDir, TlsSettings tls, boolean showProgress, ChecksumMode checksum) {}
