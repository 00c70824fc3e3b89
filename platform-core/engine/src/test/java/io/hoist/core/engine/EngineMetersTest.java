package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.DISK;
import static io.hoist.core.engine.EngineMigrationTest.manifests;
import static io.hoist.core.engine.EngineMigrationTest.migration;
import static io.hoist.core.engine.EngineMigrationTest.vmCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.HoistException;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.core.engine.bus.Addresses;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.run.DiskCopyService;
import io.hoist.core.engine.run.RunMeters;
import io.hoist.core.engine.run.TransferDiskCopyService;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.ScriptedSourceTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.transfer.budget.BandwidthBudgets;
import io.hoist.core.transfer.copy.CopyFailedException;
import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.file.FileDiskWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's own meters, driven by real runs on a real store: a retried phase counts once per retry with its phase
 * and reason code, a copy whose written bytes differ from what was read counts a checksum mismatch, and every disk
 * progress message names the source host the transfer slots are counted on.
 */
class EngineMetersTest {
    private static EngineHarness migrate(Path tmp, io.hoist.api.source.SourceProvider source, List<Messages.DiskProgress> progress)
            throws Exception {
        EngineHarness h = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")));
        h.vertx.eventBus().<Messages.DiskProgress>localConsumer(Addresses.DISK_PROGRESS, m -> progress.add(m.body()));
        h.apply(manifests("cold", null).replace("vms: [{id: vm-0}, {id: vm-1}, {name: vm-2}]", "vms: [{id: vm-0}]"));
        EngineHarness.await(Duration.ofMinutes(3), () -> io.hoist.core.model.Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"),
                "plan Ready");
        h.apply(migration(null));
        EngineHarness.await(Duration.ofMinutes(5), () -> h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").has("completed"),
                "migration complete");
        return h;
    }

    private static double retries(SimpleMeterRegistry meters) {
        return meters.find("hoist_retries").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void aSourceThatFailsOnceCountsOneRetryWithItsPhaseAndReason(@TempDir Path tmp) throws Exception {
        ScriptedSourceTestDouble source = new ScriptedSourceTestDouble(new SyntheticSourceTestDouble(1, 1, DISK, 1, true))
                .failPowerState(1, HoistException.Type.UNAVAILABLE);
        try (EngineHarness h = migrate(tmp, source, new CopyOnWriteArrayList<>())) {
            assertThat(vmCondition(h.get(ResourceKind.PLAN, "plan1"), "vm-0", "Succeeded")).isTrue();
            assertThat(retries(h.meters)).isEqualTo(1.0);
            Counter c = h.meters.find("hoist_retries").tag("reason", "UNAVAILABLE/ScriptedUNAVAILABLE").counter();
            assertThat(c).as("the retry counted with its reason code").isNotNull();
            assertThat(c.getId().getTag("phase")).as("the phase that was retried").isNotBlank();
            assertThat(h.meters.find("hoist_checksum_mismatches").counters()).isEmpty();
        }
    }

    @Test
    void aFailedPrecopyRoundCountsOneRetryOfPrecopy(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(1, 1, DISK, 1, true);
        source.failSnapshotCall = 2; // the initial snapshot works; the first precopy round's does not
        try (EngineHarness h = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(manifests("warm", null).replace("vms: [{id: vm-0}, {id: vm-1}, {name: vm-2}]", "vms: [{id: vm-0}]"));
            EngineHarness.await(Duration.ofMinutes(3), () -> io.hoist.core.model.Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"),
                    "plan Ready");
            h.apply(migration(null)); // no cutover yet: precopy rounds run until the failed one was tried again
            EngineHarness.await(Duration.ofMinutes(5), () -> retries(h.meters) >= 1
                    && h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0)
                            .path("warm").path("precopies").size() >= 2, "a precopy round after the failed one");
            var run = h.store.get(ResourceKind.MIGRATION, "default", "run1").orElseThrow();
            ((com.fasterxml.jackson.databind.node.ObjectNode) run.get("spec")).put("cutover", java.time.OffsetDateTime.now().toString());
            h.store.update(ResourceKind.MIGRATION, run);
            EngineHarness.await(Duration.ofMinutes(5), () -> io.hoist.core.model.Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "warm plan Succeeded");
            assertThat(h.meters.get("hoist_retries").tags("phase", "Precopy", "reason", "UNAVAILABLE/SnapshotFailed").counter().count())
                    .isEqualTo(1.0);
            assertThat(retries(h.meters)).isEqualTo(1.0);
        }
    }

    @Test
    void diskProgressNamesTheSourceHostAndACleanRunCountsNoRetry(@TempDir Path tmp) throws Exception {
        List<Messages.DiskProgress> progress = new CopyOnWriteArrayList<>();
        try (EngineHarness h = migrate(tmp, new SyntheticSourceTestDouble(1, 1, DISK, 1, true), progress)) {
            assertThat(vmCondition(h.get(ResourceKind.PLAN, "plan1"), "vm-0", "Succeeded")).isTrue();
            String providerUid = h.store.get(ResourceKind.PROVIDER, "default", "src").orElseThrow()
                    .path("metadata").path("uid").asText();
            assertThat(progress).isNotEmpty();
            assertThat(progress).extracting(Messages.DiskProgress::host).containsOnly(providerUid + "/host-0");
            assertThat(retries(h.meters)).isZero();
        }
    }

    @Test
    void aCopyThatWritesOtherBytesThanItReadCountsAChecksumMismatch(@TempDir Path tmp) throws Exception {
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(7).nextBytes(data);
        // a zero run splits the block into runs, so what was written is hashed again (not the read digest reused)
        java.util.Arrays.fill(data, 1 << 20, (1 << 20) + 65536, (byte) 0);
        Path image = Files.write(tmp.resolve("src.img"), data);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try {
            var service = new TransferDiskCopyService(tmp.resolve("data"), new BandwidthBudgets(), timers, new RunMeters(meters));
            try (var reader = new FileDiskReader(image); var writer = FileDiskWriter.open(tmp.resolve("clean.img"), data.length)) {
                service.copy(request("clean", reader, writer));
            }
            assertThat(meters.find("hoist_checksum_mismatches").counters()).as("a clean copy counts nothing").isEmpty();

            try (var reader = new io.hoist.testkit.transfer.BufferKeepingReaderTestDouble(new FileDiskReader(image));
                 var real = FileDiskWriter.open(tmp.resolve("bad.img"), data.length)) {
                // after its first write, a late reply lands in the reader's buffer: the next run is written changed
                DiskWriter corrupting = new io.hoist.testkit.transfer.LateReplyWriterTestDouble(real, () -> reader.last().put(3 << 20, (byte) (data[3 << 20] ^ 0x55)));
                assertThatThrownBy(() -> service.copy(request("bad", reader, corrupting)))
                        .isInstanceOfSatisfying(CopyFailedException.class, e -> assertThat(e.code()).isEqualTo("ChecksumMismatch"));
            }
            assertThat(meters.get("hoist_checksum_mismatches").counter().count()).isEqualTo(1.0);
        } finally {
            timers.shutdownNow();
        }
    }

    private static DiskCopyService.CopyRequest request(String key, DiskReader reader, DiskWriter writer) {
        return new DiskCopyService.CopyRequest("m/vm/" + key, "m/vm/" + key, key, reader, writer, null, Map.of(), p -> {}, () -> false, null);
    }
}
