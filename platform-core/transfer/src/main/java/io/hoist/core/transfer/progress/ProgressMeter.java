package io.hoist.core.transfer.progress;

import io.hoist.api.transfer.TransferProgress;

/**
 * Turns a growing byte count into {@link TransferProgress}: the current rate is measured over a sliding window
 * of recent samples (so a stall shows as a falling rate, not an average since the start), ETA from that rate.
 * The rate shown counts bytes transferred (read from the source), not zero areas skipped: it is what a bandwidth
 * limit governs, so a 4 MiB/s limit shows about 4 MiB/s however sparse the disk; progress and ETA count both.
 * Called from one thread (the copy's coordinator).
 */
public final class ProgressMeter {
    private static final int SAMPLES = 32;
    private final String diskId;
    private final long total;
    private final long windowNanos;
    private final long[] times = new long[SAMPLES];
    private final long[] bytes = new long[SAMPLES];
    private final long[] moved = new long[SAMPLES];
    private int next;
    private int count;

    public ProgressMeter(String diskId, long total, long windowNanos) {
        this.diskId = diskId;
        this.total = total;
        this.windowNanos = windowNanos;
    }

    public TransferProgress sample(long nowNanos, long done) {
        return sample(nowNanos, done, done);
    }

    /** @param transferred bytes actually read so far (zero areas excluded), for the rate */
    public TransferProgress sample(long nowNanos, long done, long transferred) {
        times[next] = nowNanos;
        bytes[next] = done;
        moved[next] = transferred;
        next = (next + 1) % SAMPLES;
        count = Math.min(count + 1, SAMPLES);
        int oldest = -1;
        for (int i = 1; i < count; i++) {
            int idx = Math.floorMod(next - 1 - i, SAMPLES);
            oldest = idx;
            if (nowNanos - times[idx] >= windowNanos) {
                break;
            }
        }
        double rate = 0;
        double doneRate = 0;
        if (oldest >= 0 && nowNanos > times[oldest]) {
            double seconds = (nowNanos - times[oldest]) / 1e9;
            rate = (transferred - moved[oldest]) / seconds;
            doneRate = (done - bytes[oldest]) / seconds;
        }
        long eta = done >= total ? 0 : doneRate > 0 ? (long) Math.ceil((total - done) / doneRate) : -1;
        return new TransferProgress(diskId, done, total, rate, eta);
    }
}
