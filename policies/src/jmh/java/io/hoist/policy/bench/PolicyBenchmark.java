package io.hoist.policy.bench;

import io.hoist.policy.engine.Bundle;
import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyInstance;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import java.io.InputStream;
import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Evaluations per second on one thread (one core) of a migration-validation policy of realistic size (twelve
 * partial set rules over a VM document of 60 fields with arrays), Chicory interpreter vs ahead-of-time
 * compiled, with OPA's demo-policy.wasm run the same way for reference.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
public class PolicyBenchmark {
    static final String POLICY = """
            package migration.validate
            import rego.v1

            allowed_buses := {"virtio", "scsi", "sata"}
            supported_os := ["rhel", "centos", "windows-2019", "windows-2022", "ubuntu", "sles"]

            deny contains msg if {
                input.vm.cpu_count > 64
                msg := sprintf("vm %s: %d vCPUs exceed the limit of 64", [input.vm.name, input.vm.cpu_count])
            }
            deny contains msg if {
                input.vm.memory_mb > 1048576
                msg := sprintf("vm %s: memory %d MiB exceeds 1 TiB", [input.vm.name, input.vm.memory_mb])
            }
            deny contains msg if {
                some d in input.vm.disks
                d.capacity_gb > 2048
                msg := sprintf("vm %s: disk %s is larger than 2 TiB", [input.vm.name, d.name])
            }
            deny contains msg if {
                some d in input.vm.disks
                not d.bus in allowed_buses
                msg := sprintf("vm %s: disk %s uses unsupported bus %s", [input.vm.name, d.name, d.bus])
            }
            deny contains msg if {
                some nic in input.vm.nics
                not input.network_map[nic.network]
                msg := sprintf("vm %s: network %s of nic %s is not mapped", [input.vm.name, nic.network, nic.mac])
            }
            deny contains msg if {
                not regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, input.vm.name)
                msg := sprintf("vm %s: name is not a valid DNS-1123 label", [input.vm.name])
            }
            deny contains msg if {
                "legacy" in input.vm.tags
                msg := sprintf("vm %s: tagged legacy", [input.vm.name])
            }
            deny contains msg if {
                input.vm.firmware == "bios"
                input.vm.secure_boot
                msg := sprintf("vm %s: secure boot needs UEFI firmware", [input.vm.name])
            }
            deny contains msg if {
                every os in supported_os { not startswith(input.vm.guest_os, os) }
                msg := sprintf("vm %s: guest OS %s is not supported", [input.vm.name, input.vm.guest_os])
            }
            deny contains msg if {
                count(input.vm.snapshots) > 0
                msg := sprintf("vm %s: has %d snapshots", [input.vm.name, count(input.vm.snapshots)])
            }
            deny contains msg if {
                some d in input.vm.disks
                d.shared
                msg := sprintf("vm %s: disk %s is shared", [input.vm.name, d.name])
            }
            deny contains msg if {
                count([dev | some dev in input.vm.devices; dev.passthrough]) > 0
                msg := sprintf("vm %s: has passthrough devices", [input.vm.name])
            }
            """;

    static String input() {
        StringBuilder b = new StringBuilder("{\"vm\":{");
        b.append("\"name\":\"db-01\",\"cpu_count\":96,\"memory_mb\":65536,\"firmware\":\"bios\",\"secure_boot\":true,");
        b.append("\"guest_os\":\"rhel8_64Guest\",\"tags\":[\"prod\",\"db\",\"legacy\",\"tier1\",\"eu\"],");
        b.append("\"snapshots\":[{\"id\":\"s1\"}],");
        b.append("\"disks\":[");
        for (int i = 0; i < 4; i++) {
            if (i > 0) b.append(',');
            b.append("{\"name\":\"disk").append(i).append("\",\"capacity_gb\":").append(i == 3 ? 4096 : 100)
                    .append(",\"bus\":\"").append(i == 2 ? "ide" : "virtio").append("\",\"shared\":").append(i == 1).append('}');
        }
        b.append("],\"nics\":[{\"mac\":\"00:50:56:aa:bb:01\",\"network\":\"vlan-10\"},{\"mac\":\"00:50:56:aa:bb:02\",\"network\":\"vlan-99\"}],");
        b.append("\"devices\":[{\"kind\":\"usb\",\"passthrough\":false},{\"kind\":\"gpu\",\"passthrough\":true}]");
        // 45 more plain fields: a realistic inventory record has many attributes the rules do not read
        for (int i = 0; i < 45; i++) b.append(",\"attr_").append(i).append("\":\"value-").append(i).append('"');
        b.append("},\"network_map\":{\"vlan-10\":\"pod-net\"}}");
        return b.toString();
    }

    @Param({"INTERPRETER", "AOT"})
    public String mode;

    private PolicyInstance ours;
    private PolicyInstance demo;
    private String input;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Limits limits = Limits.defaults().withMode(Limits.Mode.valueOf(mode));
        byte[] wasm = RegoCompiler.compile(List.of(new SourceFile("validate.rego", POLICY)), List.of("migration/validate/deny")).wasm();
        ours = PolicyEngine.load(wasm, "{}", limits);
        input = input();
        String result = ours.evaluate("migration/validate/deny", input);
        if (!result.contains("passthrough") || !result.contains("ide")) throw new IllegalStateException("unexpected result " + result);
        byte[] demoWasm;
        try (InputStream in = PolicyBenchmark.class.getClassLoader().getResourceAsStream("demo-policy.wasm")) {
            demoWasm = in.readAllBytes();
        }
        demo = PolicyEngine.loadBundle(new Bundle(demoWasm, "{\"role\":{\"alice\":\"admin\",\"bob\":\"user\"}}", null).write(), limits);
    }

    @Benchmark
    public String validationPolicy12Rules() {
        return ours.evaluate("migration/validate/deny", input);
    }

    @Benchmark
    public String opaDemoPolicy() {
        return demo.evaluate("opa/wasm/test/allowed", "{\"user\":\"alice\"}");
    }
}
