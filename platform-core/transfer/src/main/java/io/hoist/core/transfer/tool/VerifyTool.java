package io.hoist.core.transfer.tool;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.checksum.Checksums;
import java.io.IOException;
import java.io.PrintStream;

/** {@code hoist verify}: recomputes a disk's {@code sha256-4m:} checksum by reading it. */
public final class VerifyTool {
    private VerifyTool() {}

    /** Prints {@code <checksum>  <target>}; returns the checksum. */
    public static String run(String target, TlsSettings tls, PrintStream out) throws IOException {
        try (DiskReader reader = new EngineDiskIo().openReader(target, tls)) {
            String sum = Checksums.of(reader);
            out.println(sum + "  " + target);
            return sum;
        }
    }
}
