package io.hoist.core.transfer.tool;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.budget.BandwidthBudget;
import io.hoist.core.transfer.checkpoint.CheckpointStore;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import io.hoist.core.transfer.copy.CopyOptions;
import io.hoist.core.transfer.copy.CopyRequest;
import io.hoist.core.transfer.copy.CopyResult;
import io.hoist.core.transfer.copy.DiskCopier;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code hoist copy}: copies one disk with the engine's copier and prints what it did. */
public final class CopyTool {
    private CopyTool() {}

    public static CopyResult run(CopySpec spec, PrintStream out) throws IOException {
        EngineDiskIo io = new EngineDiskIo();
        CopyOptions options = CopyOptions.DEFAULT.withInFlight(spec.inFlight()).withRequestSize(spec.requestSize())
                .withChecksum(spec.checksum());
        CheckpointStore checkpoints = spec.checkpointDir() == null ? CheckpointStore.NONE : new FileCheckpointStore(spec.checkpointDir());
        List<BandwidthBudget> budgets = spec.rateMiBps() > 0 ? List.of(new BandwidthBudget("copy", spec.rateMiBps())) : List.of();
        try (DiskReader source = io.openReader(spec.source(), spec.tls())) {
            CopyResult result;
            try (DiskWriter target = io.openWriter(spec.target(), spec.tls(), source.size())) {
                CopyRequest request = CopyRequest.builder(diskId(spec), source, target)
                        .options(options)
                        .checkpoints(checkpoints)
                        .budgets(budgets)
                        .progress(spec.showProgress() ? p -> printProgress(out, p) : null)
                        .build();
                result = DiskCopier.copy(request);
            }
            if (spec.showProgress()) {
                out.print("\r\033[K");
            }
            out.println("copied   " + source.describe() + " -> " + spec.target());
            out.printf(Locale.ROOT, "size     %s (%d bytes)%n", human(result.virtualSize()), result.virtualSize());
            out.printf(Locale.ROOT, "bytes    %d read, %d written, %d zeroed, %d resumed from checkpoint%n",
                    result.bytesRead(), result.bytesWritten(), result.bytesZeroed(), result.resumedFrom());
            out.printf(Locale.ROOT, "time     %.3f s, %s/s, %d retried%n",
                    result.elapsed().toNanos() / 1e9, human((long) result.bytesPerSecond()), result.retries());
            if (result.checksum().verifies()) {
                out.println("source   " + result.sourceChecksum());
                out.println("target   " + result.targetChecksum());
                out.println("verified " + result.checksum() + " of source and target are equal");
            } else {
                out.println("checksum none: NOT verified (no hashing was asked for); 'hoist verify " + spec.target()
                        + "' reads the target and prints its sha256-4m");
            }
            return result;
        }
    }

    private static String diskId(CopySpec spec) {
        return "copy-" + Integer.toHexString((spec.source() + "->" + spec.target()).hashCode());
    }

    private static void printProgress(PrintStream out, TransferProgress p) {
        double pct = p.bytesTotal() > 0 ? 100.0 * p.bytesDone() / p.bytesTotal() : 100;
        String eta = p.etaSeconds() < 0 ? "?" : p.etaSeconds() + "s";
        out.printf(Locale.ROOT, "\r\033[K%5.1f%%  %s / %s  %s/s  ETA %s", pct, human(p.bytesDone()), human(p.bytesTotal()),
                human((long) p.bytesPerSecond()), eta);
        out.flush();
    }

    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
    }
}
