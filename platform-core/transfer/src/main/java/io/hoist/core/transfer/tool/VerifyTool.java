package io.hoist.core.transfer.tool;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.checksum.Checksums;
import java.io.IOException;
import java.io.PrintStream;

/** {@code hoist verify}: recomputes a disk's checksum ({@code sha256-4m:} or {@code xxh128-4m:}) by reading it. */
public final class VerifyTool {
    private VerifyTool() {}

    /** Prints {@code <checksum>  <target>}; returns the checksum. */
    public static String run(String target, TlsSettings tls, PrintStream out) throws IOException {
        return run(target, tls, ChecksumMode.SHA256_4M, out);
    }

    /** As above in {@code mode}; {@code none} is refused (there is nothing to print). */
    public static String run(String target, TlsSettings tls, ChecksumMode mode, PrintStream out) throws IOException {
        if (!mode.verifies()) {
            throw new IllegalArgumentException("--checksum: verify computes a checksum; 'none' is not one (use sha256-4m or xxh128-4m)");
        }
        try (DiskReader reader = new EngineDiskIo().openReader(target, tls)) {
            String sum = Checksums.of(reader, mode);
            out.println(sum + "  " + target);
            return sum;
        }
    }
}
