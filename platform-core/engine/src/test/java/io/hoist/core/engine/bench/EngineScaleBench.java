package io.hoist.core.engine.bench;

import io.hoist.core.engine.testdoubles.DiscardingDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Engine scale bench (not a test): a plan of N VMs from {@link SyntheticSourceTestDouble} (8 hosts,
 * one small disk per VM) into {@link DiscardingDestinationTestDouble}, then 8 plans of N/8 under the
 * same limits. Prints the time to the first copy, the total time, the engine's CPU time per VM and the heap in use
 * after a full GC once every plan succeeded (the engine still running: what it keeps per VM).
 * Run: bench/engine/run.sh [N] [one|swapped] (with {@code one}, only the one-plan scenario: for 10,000 or 20,000 VMs;
 * with {@code swapped}, eight plans first, then one); with {@code HOIST_BENCH_WARMUP=1}, a plan of 500 VMs runs first,
 * not counted, so the JIT's compilation is paid before either measured scenario;
 * with {@code HOIST_BENCH_HISTOGRAM=1} in the environment it also prints the top of the heap's class histogram after each.
 */
public final class EngineScaleBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        boolean oneOnly = args.length > 1 && "one".equals(args[1]);
        if (System.getenv("HOIST_BENCH_WARMUP") != null) {
            // A small plan first, not counted: the JIT compiles the engine's paths there, so neither measured
            // scenario pays it (the first one used to: 2.3-2.8 ms more CPU per VM at 5,000, and most of its first copy).
            Result warm = run(Math.min(n, 500), 1);
            System.err.printf(Locale.ROOT, "warm-up (not counted): %.2f CPU ms/VM, first copy %.2f s%n", warm.cpuMsPerVm,
                    warm.firstCopy);
        }
        if (args.length > 1 && "swapped".equals(args[1])) {
            // Eight plans first, then one: whichever scenario runs first in the JVM pays the JIT's compilation of
            // the engine's paths, so this order tells that cost from what one big plan costs by itself.
            Result eight = run(n, 8);
            Result one = run(n, 1);
            header();
            print("8 plans x " + n / 8, n, eight);
            print("1 plan x " + n, n, one);
            System.out.println("rerun: bench/engine/run.sh " + n + " swapped");
            System.out.printf(Locale.ROOT, "one/eight=%.2f cpu_ms_per_vm=%.2f%n", one.total / eight.total, one.cpuMsPerVm);
            System.out.flush();
            System.exit(0);
        }
        Result one = run(n, 1);
        if (oneOnly) {
            header();
            print("1 plan x " + n, n, one);
            System.out.println("rerun: bench/engine/run.sh " + n + " one");
            System.out.flush();
            System.exit(0);
        }
        Result eight = run(n, 8);
        header();
        print("1 plan x " + n, n, one);
        print("8 plans x " + n / 8, n, eight);
        System.out.println("rerun: bench/engine/run.sh " + n);
        System.out.printf(Locale.ROOT, "one/eight=%.2f cpu_ms_per_vm=%.2f%n", one.total / eight.total, one.cpuMsPerVm);
        System.out.flush();
        // The bench is done: end the JVM even if a library left a non-daemon thread behind (it used to hang here).
        System.exit(0);
    }

    record Result(double firstCopy, double total, double cpuMsPerVm, double heapMib) {}

    static void header() {
        System.out.printf(Locale.ROOT, "%-18s %8s %14s %12s %14s %16s%n", "scenario", "VMs", "first copy s", "total s", "CPU ms/VM",
                "heap MiB (GC'd)");
    }

    static void print(String name, int n, Result r) {
        System.out.printf(Locale.ROOT, "%-18s %8d %14.2f %12.2f %14.2f %16.1f%n", name, n, r.firstCopy, r.total, r.cpuMsPerVm,
                r.heapMib);
    }

    /** What the heap holds once every plan succeeded (engine still running): the top of the class histogram, on stderr. */
    static void printHistogram(int plans, int n) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        System.err.println(plans + " plan(s) x " + n / plans + ": heap after the run, top classes");
        histogram.lines().limit(45).forEach(System.err::println);
        histogram.lines().reduce((first, last) -> last).ifPresent(System.err::println); // the total
    }

    /** Heap in use after full collections (a few, until it stops falling): what is still reachable. */
    static double heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best / (1024.0 * 1024.0);
    }

    static Result run(int n, int plans) throws Exception {
        Path dir = Files.createTempDirectory("hoist-engine-bench");
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(n, 1, 256 * 1024, 8, false);
        DiscardingDestinationTestDouble dest = new DiscardingDestinationTestDouble();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (var h = new io.hoist.core.engine.EngineHarness(dir, source, dest)) {
            StringBuilder y = new StringBuilder(io.hoist.core.engine.EngineHarness.providersAndMaps());
            int per = n / plans;
            for (int p = 0; p < plans; p++) {
                y.append("---\napiVersion: forklift.konveyor.io/v1beta1\nkind: Plan\nmetadata: {name: plan").append(p)
                        .append(", namespace: default}\nspec:\n  targetNamespace: migrated\n")
                        .append("  provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}\n")
                        .append("  map: {network: {name: net, namespace: default}, storage: {name: stor, namespace: default}}\n  vms:\n");
                for (int i = p * per; i < (p + 1) * per; i++) {
                    y.append("  - id: vm-").append(i).append('\n');
                }
            }
            h.apply(y.toString());
            for (int p = 0; p < plans; p++) {
                String plan = "plan" + p;
                h.await(Duration.ofMinutes(10), () -> Conditions.isTrue(h.getWithoutItems(ResourceKind.PLAN, plan), "Ready"), plan + " Ready");
            }
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            java.time.Instant started = java.time.Instant.now();
            StringBuilder m = new StringBuilder();
            for (int p = 0; p < plans; p++) {
                m.append("---\napiVersion: forklift.konveyor.io/v1beta1\nkind: Migration\nmetadata: {name: run").append(p)
                        .append(", namespace: default}\nspec: {plan: {name: plan").append(p).append(", namespace: default}}\n");
            }
            h.apply(m.toString());
            h.await(Duration.ofMinutes(30), () -> dest.bytes.get() > 0, "first copy");
            double first = (System.nanoTime() - t0) / 1e9;
            // The process's CPU time to the first copy too: on a shared machine (load 20-30 on 2 cores) the wall time
            // mostly measures the other builds.
            // With the wall-clock instants, so a profile's window (Migration created, first copy) can be cut out.
            System.err.printf(Locale.ROOT, "%d plan(s) x %d: first copy after %.2f s (%.2f s of process CPU), Migration at %s, copy at %s%n",
                    plans, n / plans, first, (os.getProcessCpuTime() - cpu0) / 1e9, started, java.time.Instant.now());
            h.await(Duration.ofMinutes(60), () -> dest.vmsCreated.get() >= n, "all VMs created");
            for (int p = 0; p < plans; p++) {
                String plan = "plan" + p;
                // The plan's own fields only: polling the whole plan (thousands of entries) every 100 ms was the bench's
                // own cost, counted as the engine's CPU.
                h.await(Duration.ofMinutes(10), () -> Conditions.isTrue(h.getWithoutItems(ResourceKind.PLAN, plan), "Succeeded"),
                        plan + " Succeeded");
            }
            double total = (System.nanoTime() - t0) / 1e9;
            double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / n;
            Result r = new Result(first, total, cpuMs, heapAfterGc());
            if (System.getenv("HOIST_BENCH_HISTOGRAM") != null) {
                printHistogram(plans, n);
            }
            return r;
        }
    }
}
