package io.hoist.core.validation.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderRef;
import io.hoist.core.validation.ValidationService;
import io.hoist.core.validation.rules.DefaultRules;
import io.hoist.core.validation.rules.RuleSet;
import io.hoist.core.validation.rules.RuleSetCompiler;
import io.hoist.policy.engine.Limits;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Validation throughput with the full default vmware rule set on the realistic vSphere workload document of
 * the tests (42 top-level fields, ~60 with the embedded host and cluster, 4 disks, 2 NICs, 3 guest networks):
 * {@code validateOneVm} is VM validations per second on one thread (= per core) with the document as the
 * validation service passes it (the inventory's JSON tree in Java), {@code validateOneVmJson} the same from JSON
 * text (OPA's data API), and
 * {@code revalidateInventory} the wall time to re-validate a 10,000-VM inventory after a rules_version bump
 * through the real service (compile + AOT + every VM, one worker thread per core).
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ValidationBenchmark {
    static Map<String, Object> workload() throws Exception {
        try (InputStream in = ValidationBenchmark.class.getResourceAsStream("/workloads/vsphere-erp-db-01.json")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper().readValue(in, Map.class);
            return m;
        }
    }

    @State(Scope.Thread)
    public static class OneVm {
        @Param({"AOT", "INTERPRETER"})
        public String mode;
        RuleSet rules;
        String input;
        Map<String, Object> document;
        /** Validations and process CPU time of the current measurement iteration (see {@link #report}). */
        long ops, cpu0, wall0;
        final List<Double> perCpuSecond = new ArrayList<>();

        @Setup
        public void setup() throws Exception {
            // a generous budget: the first evaluations run before the JIT has compiled anything, on a shared machine
            rules = new RuleSetCompiler(Limits.defaults().withMode(Limits.Mode.valueOf(mode)).withTimeBudget(Duration.ofSeconds(30)))
                    .compile("vmware", DefaultRules.load("vmware"), List.of());
            document = workload();
            input = new ObjectMapper().writeValueAsString(document);
            if (rules.validate(input).get("concerns").size() != 8) {
                throw new IllegalStateException("unexpected result: " + rules.validate(input));
            }
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            ops = 0;
            cpu0 = processCpuNanos();
            wall0 = System.nanoTime();
        }

        /**
         * The machine is shared, so wall-clock throughput moves with everyone else's load; validations per second
         * of this JVM's CPU time (the benchmark thread plus its GC and JIT) does not, and is what "per core" means.
         */
        @TearDown(Level.Iteration)
        public void report(org.openjdk.jmh.infra.IterationParams it) {
            double cpu = (processCpuNanos() - cpu0) / 1e9, wall = (System.nanoTime() - wall0) / 1e9;
            double rate = ops / cpu;
            boolean measured = it.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT;
            if (measured) perCpuSecond.add(rate);
            System.out.printf("%n  [%s%s] %d validations, %.2f s CPU in %.2f s wall: %.0f validations per CPU-second",
                    mode, measured ? "" : " warmup", ops, cpu, wall, rate);
        }

        @TearDown(Level.Trial)
        public void summary() {
            List<Double> r = perCpuSecond.stream().sorted().toList();
            System.out.printf("%n  [%s] median over %d measurement iterations: %.0f validations per CPU-second%n", mode, r.size(),
                    r.get(r.size() / 2));
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 5)
    @Measurement(iterations = 5, time = 5)
    public Object validateOneVm(OneVm s) {
        s.ops++;
        return s.rules.validate(s.document);
    }

    /** The same validation with the workload as JSON text, as OPA's data API (POST .../validate) receives it. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 5)
    @Measurement(iterations = 5, time = 5)
    public Object validateOneVmJson(OneVm s) {
        s.ops++;
        return s.rules.validate(s.input);
    }

    @State(Scope.Benchmark)
    public static class TenThousandVms {
        @Param({"10000"})
        public int vms;
        Inventory inventory;
        ValidationService service;
        Path dir;
        int version = 1;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            inventory = new Inventory();
            InventoryPublisher pub = inventory.register(new ProviderRef("uid-bench", "bench", "vcenter", "vsphere"));
            Map<String, Object> base = workload();
            pub.beginCollection();
            for (int i = 0; i < vms; i++) {
                Map<String, Object> d = new LinkedHashMap<>(base);
                String id = "vm-" + i;
                d.put("id", id);
                d.put("name", "erp-db-" + i);
                d.put("cpuHotAddEnabled", i % 2 == 0);
                pub.put("vms", id, "erp-db-" + i, d);
                pub.putWorkload(id, d);
            }
            pub.endCollection();
            dir = Files.createTempDirectory("validation-bench");
            service = new ValidationService(inventory, dir.resolve("rules"), Limits.defaults().withMode(Limits.Mode.AOT),
                    Runtime.getRuntime().availableProcessors()).start(Duration.ofHours(1));
            if (!service.awaitIdle(Duration.ofMinutes(10))) {
                throw new IllegalStateException("initial validation did not finish");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            service.close();
            System.out.println();
            System.out.println("validated " + service.validatedCount() + " VMs in total, rules_version " + version);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public long revalidateInventory(TenThousandVms s) throws Exception {
        s.version++;
        long before = s.service.validatedCount();
        s.service.applyConfigMap("bench/forklift-validation-config", Map.of("rules_version.rego",
                "package io.konveyor.forklift.vmware\nRULES_VERSION := " + s.version
                        + "\nrules_version := {\"rules_version\": RULES_VERSION}\n"));
        if (!s.service.awaitIdle(Duration.ofMinutes(10))) {
            throw new IllegalStateException("re-validation did not finish");
        }
        long done = s.service.validatedCount() - before;
        if (done < s.vms) {
            throw new IllegalStateException("only " + done + " of " + s.vms + " VMs re-validated");
        }
        return done;
    }
}
