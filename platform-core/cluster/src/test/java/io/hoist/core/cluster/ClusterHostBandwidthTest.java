package io.hoist.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.core.engine.run.DiskCopyService;
import io.hoist.core.engine.run.TransferDiskCopyService;
import io.hoist.core.transfer.budget.BandwidthBudgets;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source host's bandwidth budget shared by two real clustered nodes (Vert.x on Hazelcast, two members in this JVM),
 * each copying through its own transfer engine ({@link TransferDiskCopyService}, its own budgets, as separate
 * processes would): node-a copies two disks from the host and node-b one, all at once; together they read at the
 * host's rate (each node alone would take all of it), node-a at about two thirds of it.
 */
class ClusterHostBandwidthTest {
    private static final double HOST_MIBPS = 12;
    private static final String HOST_BUDGET = DiskCopyService.hostBudget("provider-uid/host-1");
    private static final long MIB = 1024 * 1024;

    @Test
    void nodesCopyingFromOneHostShareItsRateInProportionToTheirCopies(@TempDir Path dir) throws Exception {
        int portA = EngineMessagesAcrossNodesTest.freePort();
        int portB = EngineMessagesAcrossNodesTest.freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        Vertx a = null;
        Vertx b = null;
        List<ClusterHostLimits> limits = new ArrayList<>();
        List<Thread> copies = new ArrayList<>();
        AtomicLong readOnA = new AtomicLong();
        AtomicLong readOnB = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            a = EngineMessagesAcrossNodesTest.clustered(new ClusterSettings("127.0.0.1", portA, members, Map.of(), "node-a"));
            b = EngineMessagesAcrossNodesTest.clustered(new ClusterSettings("127.0.0.1", portB, members, Map.of(), "node-b"));
            DiskCopyService copierA = node(a, dir.resolve("a"), timers, limits);
            DiskCopyService copierB = node(b, dir.resolve("b"), timers, limits);

            copies.add(copy(copierA, "a1", readOnA, stop));
            copies.add(copy(copierA, "a2", readOnA, stop));
            copies.add(copy(copierB, "b1", readOnB, stop));
            Thread.sleep(2500); // every copy running and every share set (re-rated at the latest within a second)
            long a0 = readOnA.get();
            long b0 = readOnB.get();
            long t0 = System.nanoTime();
            Thread.sleep(5000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double mibpsA = (readOnA.get() - a0) / (double) MIB / seconds;
            double mibpsB = (readOnB.get() - b0) / (double) MIB / seconds;
            System.out.printf("host budget %.0f MiB/s: node-a (2 copies) %.2f MiB/s, node-b (1 copy) %.2f MiB/s, together %.2f%n",
                    HOST_MIBPS, mibpsA, mibpsB, mibpsA + mibpsB);

            assertThat(mibpsA + mibpsB).as("both nodes together").isBetween(HOST_MIBPS * 0.6, HOST_MIBPS * 1.15);
            assertThat(mibpsA / mibpsB).as("node-a's rate over node-b's (2 copies to 1)").isBetween(1.4, 2.8);
        } finally {
            stop.set(true);
            for (Thread t : copies) {
                t.join(TimeUnit.MINUTES.toMillis(1));
            }
            limits.forEach(ClusterHostLimits::close);
            timers.shutdownNow();
            for (Vertx v : new Vertx[] {a, b}) {
                if (v != null) {
                    v.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
                }
            }
        }
    }

    /** A node's copier as the platform builds it: the transfer engine with its budgets, the host's rate shared. */
    private static DiskCopyService node(Vertx vertx, Path dataDir, ScheduledExecutorService timers,
                                        List<ClusterHostLimits> limits) throws Exception {
        Files.createDirectories(dataDir);
        ClusterHostLimits hostLimits = new ClusterHostLimits(vertx);
        limits.add(hostLimits);
        BandwidthBudgets budgets = new BandwidthBudgets();
        return hostLimits.shareBandwidth(new TransferDiskCopyService(dataDir, budgets, timers), budgets);
    }

    /** A copy of a large disk from the host, on its own thread, until {@code stop}; counts what it read. */
    private static Thread copy(DiskCopyService copier, String disk, AtomicLong read,
                               java.util.concurrent.atomic.AtomicBoolean stop) {
        return Thread.ofVirtual().start(() -> {
            try {
                copier.copy(new DiskCopyService.CopyRequest(disk, disk, disk, new PatternReaderTestDouble(4096 * MIB, read),
                        new DiscardingWriterTestDouble(4096 * MIB), null, Map.of(HOST_BUDGET, HOST_MIBPS),
                        p -> { }, stop::get, ChecksumMode.NONE));
            } catch (Exception e) {
                if (!stop.get()) {
                    throw new AssertionError("copy " + disk + " failed", e);
                }
            }
        });
    }

    /** The host's disk: bytes that are never zero (so none is skipped as a hole), made up on the fly, counted. */
    private record PatternReaderTestDouble(long size, AtomicLong read) implements DiskReader {
        @Override
        public int read(long offset, ByteBuffer dst) {
            int n = (int) Math.min(dst.remaining(), size - offset);
            read.addAndGet(n);
            for (int i = 0; i < n; i++) {
                dst.put((byte) (((offset + i) & 0x7f) | 1));
            }
            return n;
        }

        @Override
        public String describe() {
            return "pattern of " + size + " bytes";
        }

        @Override
        public void close() {}
    }

    /** Keeps nothing. */
    private record DiscardingWriterTestDouble(long size) implements DiskWriter {
        @Override
        public void write(long offset, ByteBuffer src) {
            src.position(src.limit());
        }

        @Override
        public void writeZeroes(long offset, long length) {}

        @Override
        public void flush() {}

        @Override
        public String describe() {
            return "discarding writer";
        }

        @Override
        public void close() {}
    }
}
