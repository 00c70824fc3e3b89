package io.hoist.plugin.ova.bench;

import io.hoist.api.transfer.Extent;
import io.hoist.plugin.ova.OvaWriter;
import io.hoist.plugin.ova.OvfBuilder;
import io.hoist.plugin.ova.archive.OvaArchive;
import io.hoist.plugin.ova.testing.DiskImages;
import io.hoist.plugin.ova.testing.QemuImg;
import io.hoist.plugin.ova.disk.VmdkDiskReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark, not a test: read throughput of a streamOptimized VMDK straight out of an OVA, compared with
 * {@code qemu-img convert -O raw} of the same file. Run by {@code plugins/ova/bench/read-throughput.sh}.
 */
public final class OvaReadBench {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        long size = Long.parseLong(args.length > 1 ? args[1] : "512") << 20;
        int threads = Integer.parseInt(args.length > 2 ? args[2] : "4");
        Path raw = DiskImages.raw(work.resolve("in.raw"), size, 7);
        Path vmdk = QemuImg.toVmdk(raw, work.resolve("disk.vmdk"), "streamOptimized");
        Path ova = OvaWriter.to(work.resolve("bench.ova")).manifest(false)
                .ovf("bench.ovf", new OvfBuilder("bench").disk("disk.vmdk", size).build()).file("disk.vmdk", vmdk).write();
        Files.delete(raw);
        OvaArchive archive = OvaArchive.open(ova, "bench.ova");
        System.out.printf("disk %d MiB, streamOptimized file %d MiB, %d threads available%n", size >> 20,
                Files.size(vmdk) >> 20, Runtime.getRuntime().availableProcessors());

        long t0 = System.nanoTime();
        QemuImg.run("convert", "-f", "vmdk", "-O", "raw", vmdk.toString(), work.resolve("out.raw").toString());
        double qemu = (System.nanoTime() - t0) / 1e9;
        Files.delete(work.resolve("out.raw"));
        System.out.printf("qemu-img convert -O raw: %.2f s, %.0f MiB/s of virtual disk%n", qemu, (size >> 20) / qemu);

        for (int n : new int[] {1, threads}) {
            try (VmdkDiskReader r = VmdkDiskReader.open(archive.open("disk.vmdk"), archive::open)) {
                t0 = System.nanoTime();
                List<Extent> extents = r.extents(0, r.size());
                double mapS = (System.nanoTime() - t0) / 1e9;
                long data = extents.stream().filter(e -> !e.zero()).mapToLong(Extent::length).sum();
                t0 = System.nanoTime();
                readData(r, extents, n);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("hoist reader, %d thread(s): extents %.3f s; %d MiB data read in %.2f s = %.0f MiB/s "
                                + "(%.0f MiB/s of virtual disk, zero extents skipped)%n",
                        n, mapS, data >> 20, s, (data >> 20) / s, (size >> 20) / (s + mapS));
            }
        }
    }

    /** Reads every data extent in 4 MiB pieces, spread over {@code threads} threads, as the engine would. */
    private static void readData(VmdkDiskReader r, List<Extent> extents, int threads) throws Exception {
        List<long[]> pieces = new ArrayList<>();
        for (Extent e : extents) {
            for (long o = e.offset(); !e.zero() && o < e.end(); o += 4 << 20) {
                pieces.add(new long[] {o, Math.min(4 << 20, e.end() - o)});
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                jobs.add(pool.submit(() -> {
                    ByteBuffer b = ByteBuffer.allocate(4 << 20);
                    for (int i = first; i < pieces.size(); i += threads) {
                        b.clear().limit((int) pieces.get(i)[1]);
                        r.read(pieces.get(i)[0], b);
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private OvaReadBench() {}
}
