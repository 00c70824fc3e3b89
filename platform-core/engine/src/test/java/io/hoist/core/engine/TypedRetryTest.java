package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.DISK;
import static io.hoist.core.engine.EngineMigrationTest.manifests;
import static io.hoist.core.engine.EngineMigrationTest.migration;
import static io.hoist.core.engine.EngineMigrationTest.vmCondition;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.HoistException;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.ScriptedSourceTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HoistException types decide what a failure does: UNAVAILABLE retries the phase with backoff (the harness allows 4
 * tries), every other type fails the VM at once with its code on the VM's error. The source fails N times then works.
 */
class TypedRetryTest {
    private static JsonNode vm(EngineHarness h, String id) {
        for (JsonNode v : h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms")) {
            if (id.equals(v.path("id").asText())) {
                return v;
            }
        }
        throw new AssertionError("no VM " + id);
    }

    private static EngineHarness run(Path tmp, ScriptedSourceTestDouble source) throws Exception {
        EngineHarness h = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")));
        h.apply(manifests("cold", null).replace("vms: [{id: vm-0}, {id: vm-1}, {name: vm-2}]", "vms: [{id: vm-0}]"));
        EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
        h.apply(migration(null));
        EngineHarness.await(Duration.ofSeconds(60), () -> h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").has("completed"),
                "migration complete; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
        return h;
    }

    @Test
    void unavailableIsRetriedUntilTheSourceAnswers(@TempDir Path tmp) throws Exception {
        ScriptedSourceTestDouble source = new ScriptedSourceTestDouble(new SyntheticSourceTestDouble(1, 1, DISK, 1, true))
                .failPowerState(2, HoistException.Type.UNAVAILABLE);
        try (EngineHarness h = run(tmp, source)) {
            assertThat(vmCondition(h.get(ResourceKind.PLAN, "plan1"), "vm-0", "Succeeded")).isTrue();
            assertThat(source.powerStateCalls.get()).as("two failures, then the calls that worked").isGreaterThanOrEqualTo(3);
            assertThat(vm(h, "vm-0").path("conditions").toString()).doesNotContain("Pending");
        }
    }

    @Test
    void unavailableBeyondTheLimitFailsWithTheCodeAndTheNumberOfAttempts(@TempDir Path tmp) throws Exception {
        ScriptedSourceTestDouble source = new ScriptedSourceTestDouble(new SyntheticSourceTestDouble(1, 1, DISK, 1, true))
                .failPowerState(100, HoistException.Type.UNAVAILABLE);
        try (EngineHarness h = run(tmp, source)) {
            assertThat(vmCondition(h.get(ResourceKind.PLAN, "plan1"), "vm-0", "Failed")).isTrue();
            String error = vm(h, "vm-0").path("error").path("reasons").get(0).asText();
            assertThat(error).startsWith("UNAVAILABLE/ScriptedUNAVAILABLE: gave up after 4 attempts");
        }
    }

    @ParameterizedTest
    @EnumSource(value = HoistException.Type.class, names = {"USER_ERROR", "AUTH", "NOT_SUPPORTED", "INTERNAL"})
    void everyOtherTypeFailsAtOnce(HoistException.Type type, @TempDir Path tmp) throws Exception {
        ScriptedSourceTestDouble source = new ScriptedSourceTestDouble(new SyntheticSourceTestDouble(1, 1, DISK, 1, true))
                .failPowerState(1, type);
        try (EngineHarness h = run(tmp, source)) {
            assertThat(vmCondition(h.get(ResourceKind.PLAN, "plan1"), "vm-0", "Failed")).isTrue();
            assertThat(vm(h, "vm-0").path("error").path("reasons").get(0).asText()).startsWith(type + "/Scripted" + type + ": ");
            assertThat(source.powerStateCalls.get()).as("no retry of the failed call before cleanup").isLessThanOrEqualTo(2);
        }
    }
}
