package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.DISK;
import static io.hoist.core.engine.EngineMigrationTest.assertDiskEquals;
import static io.hoist.core.engine.EngineMigrationTest.assertStatusMatchesCrds;
import static io.hoist.core.engine.EngineMigrationTest.manifests;
import static io.hoist.core.engine.EngineMigrationTest.migration;
import static io.hoist.core.engine.EngineMigrationTest.stepNamed;
import static io.hoist.core.engine.EngineMigrationTest.vmCondition;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checksum choice: plan annotation hoist.io/checksum over the ForkliftController's controller_transfer_checksum. */
class EngineChecksumChoiceTest {
    private static final String PLAN_META = "metadata: {name: plan1, namespace: default}";
    private static final String CONTROLLER = "controller_max_vm_inflight: 2";

    @Test
    void controllerSettingNoneCopiesWithoutClaimingVerificationAndAPlanAnnotationOverridesIt(@TempDir Path tmp) throws Exception {
        migrateWithControllerSetting(tmp, "none", (h, source, dest) -> {
            for (JsonNode vm : vms(h)) {
                String id = vm.path("id").asText();
                for (JsonNode task : stepNamed(vm, "DiskTransfer").path("tasks")) {
                    JsonNode a = task.path("annotations");
                    assertThat(a.path("hoist.io/checksum").asText()).as(id).isEqualTo("none");
                    assertThat(a.path("hoist.io/verified").asText()).as(id).isEqualTo("false");
                    assertThat(a.has("hoist.io/source-checksum")).as(id + ": none never shows a checksum").isFalse();
                    assertThat(a.has("hoist.io/target-checksum")).isFalse();
                }
                assertDiskEquals(dest.diskFileOf("migrated", id, "disk-0"), source, id, "disk-0");
            }
        });
        SyntheticSourceTestDouble source2 = new SyntheticSourceTestDouble(3, 1, DISK, 1, false);
        Path tmp2 = tmp.resolve("second");
        try (EngineHarness h = new EngineHarness(tmp2, source2, new FolderDestinationTestDouble(tmp2.resolve("out")))) {
            h.apply(manifests("cold", null).replace(CONTROLLER, CONTROLLER + ", controller_transfer_checksum: none")
                    .replace(PLAN_META, "metadata: {name: plan1, namespace: default, annotations: {hoist.io/checksum: sha256-4m}}"));
            runToSuccess(h);
            for (JsonNode vm : vms(h)) {
                JsonNode a = stepNamed(vm, "DiskTransfer").path("tasks").get(0).path("annotations");
                assertThat(a.path("hoist.io/checksum").asText()).isEqualTo("sha256-4m");
                assertThat(a.path("hoist.io/verified").asText()).isEqualTo("true");
                assertThat(a.path("hoist.io/source-checksum").asText()).startsWith("sha256-4m:")
                        .isEqualTo(a.path("hoist.io/target-checksum").asText());
            }
        }
    }

    @Test
    void controllerSettingXxh128VerifiesEveryDiskWithItAndStatusSaysSo(@TempDir Path tmp) throws Exception {
        migrateWithControllerSetting(tmp, "xxh128-4m", (h, source, dest) -> {
            for (JsonNode vm : vms(h)) {
                String id = vm.path("id").asText();
                JsonNode a = stepNamed(vm, "DiskTransfer").path("tasks").get(0).path("annotations");
                assertThat(a.path("hoist.io/checksum").asText()).as(id).isEqualTo("xxh128-4m");
                assertThat(a.path("hoist.io/verified").asText()).as(id).isEqualTo("true");
                assertThat(a.path("hoist.io/source-checksum").asText()).as(id).matches("xxh128-4m:[0-9a-f]{32}")
                        .isEqualTo(a.path("hoist.io/target-checksum").asText());
                assertDiskEquals(dest.diskFileOf("migrated", id, "disk-0"), source, id, "disk-0");
            }
        });
    }

    @Test
    void anUnknownChecksumInThePlanFailsTheVmsNamingTheAnnotation(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, false);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(manifests("cold", null)
                    .replace(PLAN_META, "metadata: {name: plan1, namespace: default, annotations: {hoist.io/checksum: md5}}"));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(Duration.ofSeconds(120), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Failed"),
                    "plan Failed; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            JsonNode plan = h.get(ResourceKind.PLAN, "plan1");
            assertThat(vmCondition(plan, "vm-0", "Failed")).isTrue();
            assertThat(plan.path("status").toString())
                    .contains("plan annotation hoist.io/checksum: 'md5' is not a checksum choice (use one of sha256-4m, xxh128-4m, none)");
        }
    }

    private interface MigratedCheck {
        void check(EngineHarness h, SyntheticSourceTestDouble source, FolderDestinationTestDouble dest) throws Exception;
    }

    /** A cold migration of three one-disk VMs with {@code controller_transfer_checksum: setting}, run to success. */
    private static void migrateWithControllerSetting(Path tmp, String setting, MigratedCheck check) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, false);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(manifests("cold", null).replace(CONTROLLER, CONTROLLER + ", controller_transfer_checksum: " + setting));
            runToSuccess(h);
            check.check(h, source, dest);
            assertStatusMatchesCrds(h);
        }
    }

    private static void runToSuccess(EngineHarness h) throws Exception {
        EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
        h.apply(migration(null));
        EngineHarness.await(Duration.ofSeconds(90), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                "plan Succeeded; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
    }

    private static JsonNode vms(EngineHarness h) {
        JsonNode vms = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms");
        assertThat(vms).hasSize(3);
        return vms;
    }
}
