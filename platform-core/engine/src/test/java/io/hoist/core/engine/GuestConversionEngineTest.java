package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.core.engine.hooks.StepLogs;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.GuestConverterTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.transfer.checksum.Checksums;
import io.hoist.core.transfer.file.FileDiskReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ImageConversion step with a converter installed: what is recorded, what the VM is created with, resume. */
class GuestConversionEngineTest {
    static final long DISK = 6L << 20;

    static String plan(String extra) {
        return EngineHarness.providersAndMaps() + """
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: plan1, namespace: default}
                spec:
                  targetNamespace: migrated
                  provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}
                  map: {network: {name: net, namespace: default}, storage: {name: stor, namespace: default}}
                  vms: [{id: vm-0}]
                  convertorNodeSelector: {node-role.kubernetes.io/worker: ""}
                  convertorLabels: {team: infra}
                  convertorAffinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: []}}
                  conversionTempStorageClass: scratch-fast
                  virtV2vImage: quay.io/example/virt-v2v:test
                  installLegacyDrivers: true
                  deleteGuestConversionPod: true
                %s
                """.formatted(extra);
    }

    static final String MIGRATION = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Migration
            metadata: {name: run1, namespace: default}
            spec:
              plan: {name: plan1, namespace: default}
            """;

    @Test
    void conversionRecordsTheGuestAndBothChecksumsAndTheVmIsCreatedForIt(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(1, 1, DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        GuestConverterTestDouble converter = new GuestConverterTestDouble();
        try (EngineHarness h = new EngineHarness(tmp, source, dest, List.of(converter))) {
            run(h, plan(""));
            JsonNode vm = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0);
            assertThat(vm.path("operatingSystem").asText()).isEqualTo("debian12");
            assertThat(vm.path("firmware").asText()).isEqualTo("bios");
            JsonNode step = EngineMigrationTest.stepNamed(vm, "ImageConversion");
            JsonNode ann = step.path("annotations");
            assertThat(step.path("phase").asText()).isEqualTo("Completed");
            assertThat(ann.path("hoist.io/converter").asText()).isEqualTo("test-double");
            assertThat(ann.path("hoist.io/guest-distro").asText()).isEqualTo("debian");
            assertThat(ann.path("hoist.io/guest-version").asText()).isEqualTo("12.15");
            assertThat(ann.path("hoist.io/virtio-drivers").asText()).isEqualTo("true");
            assertThat(ann.path("hoist.io/appliance-seconds").asText()).isEqualTo("1.5");
            assertThat(ann.path("hoist.io/converter-log").asText()).isEqualTo("/var/log/test-double.log");
            // The converter's output is kept with the VM's step logs, for `hoist logs ... --step ImageConversion`.
            assertThat(ann.path("hoist.io/log").asText()).isEqualTo("hoist logs plan1 vm-0 --step ImageConversion -n default");
            String migrationUid = h.get(ResourceKind.MIGRATION, "run1").path("metadata").path("uid").asText();
            assertThat(new StepLogs(tmp.resolve("data")).read("default", "plan1", migrationUid, "vm-0", "ImageConversion"))
                    .hasValueSatisfying(log -> assertThat(log).isEqualTo("[   0.0] Setting up the source: " + migrationUid + "/vm-0\n"
                            + "[  42.0] Finishing off\n"));
            assertThat(step.path("warning").path("reasons").get(0).asText()).startsWith("preserveStaticIPs:");

            // The copy's checksum stays "copied"; the converted image has its own, measured after conversion.
            String transferTarget = EngineMigrationTest.stepNamed(vm, "DiskTransfer").path("annotations")
                    .path("hoist.io/checksum.disk-0.target").asText();
            String copied = ann.path("hoist.io/checksum.disk-0.copied").asText();
            String converted = ann.path("hoist.io/checksum.disk-0.converted").asText();
            assertThat(copied).startsWith("sha256-4m:").isEqualTo(transferTarget);
            assertThat(converted).startsWith("sha256-4m:").isNotEqualTo(copied);
            try (FileDiskReader r = new FileDiskReader(dest.diskFileOf("migrated", "vm-0", "disk-0"))) {
                assertThat(Checksums.of(r)).isEqualTo(converted);
            }

            // The VM is created for the guest found: its firmware and MTV's OS template label.
            TargetVmSpec spec = dest.created.get("vm-0");
            assertThat(spec.labels()).containsEntry("os.template.kubevirt.io/debian12", "true");
            assertThat(spec.annotations()).containsEntry("vm.kubevirt.io/os", "debian12");
            assertThat(spec.diskBus()).isEqualTo("virtio");

            // The plan's convertor fields reach the converter as MTV names them.
            var request = converter.requests.get(0);
            assertThat(request.options().nodeSelector()).containsEntry("node-role.kubernetes.io/worker", "");
            assertThat(request.options().labels()).containsEntry("team", "infra");
            assertThat(request.options().affinityJson()).contains("nodeAffinity");
            assertThat(request.options().tempStorageClass()).isEqualTo("scratch-fast");
            assertThat(request.options().image()).isEqualTo("quay.io/example/virt-v2v:test");
            assertThat(request.options().installLegacyDrivers()).isTrue();
            assertThat(request.options().deletePodOnSuccess()).isTrue();
            assertThat(request.disks()).hasSize(1);
            EngineMigrationTest.assertStatusMatchesCrds(h);
        }
    }

    @Test
    void aGuestWithoutOperatingSystemFailsTheVmWithTheConvertersReason(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(1, 1, DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        GuestConverterTestDouble converter = new GuestConverterTestDouble();
        converter.noOperatingSystem = true;
        try (EngineHarness h = new EngineHarness(tmp, source, dest, List.of(converter))) {
            h.apply(plan(""));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(MIGRATION);
            EngineHarness.await(Duration.ofSeconds(60), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Failed"),
                    "plan Failed; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            JsonNode vm = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0);
            assertThat(vm.path("error").path("phase").asText()).isEqualTo("ConvertGuest");
            assertThat(vm.path("error").path("reasons").get(0).asText()).contains("no operating system");
            assertThat(dest.created).isEmpty();
        }
    }

    @Test
    void skipGuestConversionCopiesRawAndSaysSo(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(1, 1, DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        GuestConverterTestDouble converter = new GuestConverterTestDouble();
        try (EngineHarness h = new EngineHarness(tmp, source, dest, List.of(converter))) {
            run(h, plan("  skipGuestConversion: true\n  useCompatibilityMode: true"));
            JsonNode vm = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0);
            assertThat(EngineMigrationTest.stepNamed(vm, "ImageConversion").path("reason").asText()).contains("skipGuestConversion");
            assertThat(converter.requests).isEmpty();
            assertThat(dest.created.get("vm-0").diskBus()).isEqualTo("sata");
        }
    }

    @Test
    void anEngineStoppedDuringConversionConvertsAgainWhenItComesBack(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(1, 1, DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        GuestConverterTestDouble first = new GuestConverterTestDouble();
        first.gate = new CompletableFuture<>(); // never released: this engine dies converting
        String runId;
        try (EngineHarness h = new EngineHarness(tmp, source, dest, List.of(first))) {
            h.apply(plan(""));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(MIGRATION);
            first.started.get(60, TimeUnit.SECONDS);
            runId = first.requests.get(0).runId();
            JsonNode vm = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0);
            assertThat(vm.path("phase").asText()).isEqualTo("ConvertGuest");
        }
        GuestConverterTestDouble second = new GuestConverterTestDouble();
        try (EngineHarness h = new EngineHarness(tmp, source, dest, List.of(second))) {
            EngineHarness.await(Duration.ofSeconds(60), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "plan Succeeded after restart; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            assertThat(second.requests).hasSize(1);
            assertThat(second.requests.get(0).runId()).isEqualTo(runId);
            assertThat(dest.creations.get("vm-0").get()).isEqualTo(1);
        } finally {
            first.gate.complete(null);
        }
    }

    static void run(EngineHarness h, String manifests) throws Exception {
        h.apply(manifests);
        EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
        h.apply(MIGRATION);
        EngineHarness.await(Duration.ofSeconds(60), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                "plan Succeeded; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
    }
}
