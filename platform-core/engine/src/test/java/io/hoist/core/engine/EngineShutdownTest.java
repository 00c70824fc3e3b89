package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.DISK;
import static io.hoist.core.engine.EngineMigrationTest.manifests;
import static io.hoist.core.engine.EngineMigrationTest.migration;
import static io.hoist.core.engine.EngineMigrationTest.phaseOf;
import static io.hoist.core.engine.EngineMigrationTest.vmCondition;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 item 3: stopping the platform in the middle of a migration is quiet (no warning, no stack trace: the
 * engine stops intake, lets runs stop at their durable phase, drains the status writer, then the store closes) and
 * fails nothing: the next start resumes every VM and the plan succeeds.
 */
class EngineShutdownTest {
    @Test
    void closingMidCopyLogsNoWarningFailsNoVmAndTheNextStartFinishes(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 2, DISK, 1, true);
        List<LogRecord> loud = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue() || r.getThrown() != null) {
                    loud.add(r);
                }
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        String slow = manifests("cold", null).replace("metadata: {name: plan1, namespace: default}",
                "metadata: {name: plan1, namespace: default, annotations: {hoist.io/bandwidth-mibps: \"2\"}}");
        EngineHarness h = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")));
        try {
            h.apply(slow);
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(Duration.ofSeconds(60), () -> phaseOf(h, "vm-0").equals("CopyDisks"), "vm-0 copying");
        } finally {
            Logger.getLogger("").addHandler(capture);
            try {
                h.close();
            } finally {
                Logger.getLogger("").removeHandler(capture);
            }
        }
        assertThat(loud).as("log records at WARNING or with a stack trace while stopping")
                .extracting(r -> r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()))
                .isEmpty();
        try (EngineHarness again = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")))) {
            JsonNode plan = again.get(ResourceKind.PLAN, "plan1");
            for (String vm : List.of("vm-0", "vm-1", "vm-2")) {
                assertThat(vmCondition(plan, vm, "Failed")).as(vm + " was not failed by the shutdown").isFalse();
            }
            EngineHarness.await(Duration.ofSeconds(120), () -> Conditions.isTrue(again.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "plan Succeeded after the restart");
        }
    }
}
