package io.hoist.plugin.ovirt.backup;

import static org.ovirt.engine.sdk4.builders.Builders.backup;
import static org.ovirt.engine.sdk4.builders.Builders.disk;

import io.hoist.api.HoistException;
import io.hoist.api.source.SnapshotRef;
import io.hoist.plugin.ovirt.client.EngineClient;
import io.hoist.plugin.support.Interruptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ovirt.engine.sdk4.builders.BackupBuilder;
import org.ovirt.engine.sdk4.builders.DiskBuilder;
import org.ovirt.engine.sdk4.types.Backup;
import org.ovirt.engine.sdk4.types.BackupPhase;
import org.ovirt.engine.sdk4.types.Checkpoint;

/**
 * Warm precopies through the engine's incremental backup API. A precopy "snapshot" is a backup: created from the
 * VM's newest checkpoint ({@code from_checkpoint_id}; the first one is full), waited for until {@code ready}, its
 * disks read through image transfers, then finalized. The {@link SnapshotRef} is the backup's id with each disk's
 * new checkpoint ({@code to_checkpoint_id}). Checkpoints this plugin created are recorded in a {@link CheckpointLedger}
 * (in the provider's work directory, so a restarted platform still knows them) and removed oldest first (the engine
 * removes only the root of the chain) once no running backup starts from them.
 */
public final class IncrementalBackups {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration FINALIZE_TIMEOUT = Duration.ofMinutes(10);

    /** Backups this plugin starts carry this description prefix, so one left open by a crash is recognised. */
    public static final String DESCRIPTION_PREFIX = "hoist-migration";

    private final EngineClient client;
    /** Checkpoints created by backups of this plugin; only these are ever removed. */
    private final CheckpointLedger ours;

    public IncrementalBackups(EngineClient client, CheckpointLedger ours) {
        this.client = client;
        this.ours = ours;
    }

    /**
     * Takes a backup of {@code diskIds}. Another backup still open on the VM (the previous precopy's, or one left by
     * a crash) is finalized first: the engine runs one backup per VM at a time.
     */
    public SnapshotRef create(String vmId, String vmName, List<String> diskIds, String description) {
        for (Backup b : backups(vmId)) {
            if (b.descriptionPresent() && b.description() != null && b.description().startsWith(DESCRIPTION_PREFIX)) {
                record(vmId, b); // ours, left open by a crash before its precopy was recorded
            }
            finalizeAndWait(vmId, b.id());
        }
        String from = leafCheckpoint(vmId);
        BackupBuilder bb = backup().description(DESCRIPTION_PREFIX + (description == null ? "" : " " + description))
                .disks(diskIds.stream().map(id -> disk().id(id)).toArray(DiskBuilder[]::new));
        if (from != null) {
            bb.fromCheckpointId(from);
        }
        Backup b = client.call("backup of " + vmName, s -> s.vmsService().vmService(vmId).backupsService().add().backup(bb).send().backup());
        String id = b.id();
        long end = System.nanoTime() + READY_TIMEOUT.toNanos();
        try {
            record(vmId, b);
            while (!(b.phasePresent() && b.phase() == BackupPhase.READY)) {
                if (System.nanoTime() > end) {
                    throw new HoistException(HoistException.Type.UNAVAILABLE, "BackupTimeout", "backup " + id + " of "
                            + vmName + " not ready after " + READY_TIMEOUT.toMinutes() + " minutes");
                }
                Interruptions.sleep(250);
                b = get(vmId, id);
                if (b == null) {
                    throw new HoistException(HoistException.Type.UNAVAILABLE, "BackupFailed",
                            "the engine ended backup " + id + " of " + vmName + " before it was ready");
                }
                record(vmId, b);
            }
        } catch (RuntimeException e) {
            finalizeQuietly(vmId, id);
            throw e;
        }
        String to = b.toCheckpointIdPresent() ? b.toCheckpointId() : null;
        Map<String, String> changeIds = new HashMap<>();
        for (String d : diskIds) {
            changeIds.put(d, to == null ? "" : to);
        }
        return new SnapshotRef(id, changeIds);
    }

    /** The backup, or null when the engine no longer has it. */
    public Backup get(String vmId, String backupId) {
        try {
            return client.call("backup " + backupId, s -> s.vmsService().vmService(vmId).backupsService()
                    .backupService(backupId).get().send().backup());
        } catch (HoistException e) {
            if ("NotFound".equals(e.code())) {
                return null;
            }
            throw e;
        }
    }

    /** The checkpoint a backup started from, or null for a full backup. */
    public String fromCheckpoint(String vmId, String backupId) {
        Backup b = get(vmId, backupId);
        if (b == null) {
            throw new HoistException(HoistException.Type.UNAVAILABLE, "BackupNotFound",
                    "backup " + backupId + " is no longer open on the engine; the precopy must be taken again");
        }
        return b.fromCheckpointIdPresent() ? b.fromCheckpointId() : null;
    }

    /**
     * Ends a precopy: its backup finalized (idempotent), then this plugin's checkpoints removed from the root up
     * to the backup's own checkpoint, which is kept while a newer backup still starts from it.
     */
    public void remove(String vmId, SnapshotRef ref) {
        finalizeAndWait(vmId, ref.id());
        String to = ref.changeIds().values().stream().filter(v -> v != null && !v.isBlank()).findFirst().orElse(null);
        if (to == null) {
            return;
        }
        ours.add(vmId, to);
        Set<String> runningFrom = new HashSet<>();
        for (Backup b : backups(vmId)) {
            if (b.fromCheckpointIdPresent()) {
                runningFrom.add(b.fromCheckpointId());
            }
        }
        for (int guard = 0; guard < 1000; guard++) {
            Checkpoint root = rootCheckpoint(vmId);
            if (root == null || !ours.contains(vmId, root.id()) || runningFrom.contains(root.id())) {
                return;
            }
            String id = root.id();
            client.call("remove checkpoint " + id, s -> s.vmsService().vmService(vmId).checkpointsService()
                    .checkpointService(id).remove().send());
            ours.remove(vmId, id);
            if (id.equals(to)) {
                return;
            }
        }
    }

    /** Notes the backup's checkpoint as ours as soon as the engine names it (before any crash can lose it). */
    private void record(String vmId, Backup b) {
        if (b.toCheckpointIdPresent() && b.toCheckpointId() != null && !b.toCheckpointId().isBlank()) {
            ours.add(vmId, b.toCheckpointId());
        }
    }

    /** Backups of the VM that are still open (any phase before the end). */
    public List<Backup> backups(String vmId) {
        return client.call("backups", s -> s.vmsService().vmService(vmId).backupsService().list().send().backups())
                .stream().filter(b -> b.phasePresent() && b.phase() != null && b.phase() != BackupPhase.FINALIZING).toList();
    }

    private List<Checkpoint> checkpoints(String vmId) {
        return client.call("checkpoints", s -> s.vmsService().vmService(vmId).checkpointsService().list().send().checkpoints());
    }

    /** The newest checkpoint: the one no other checkpoint names as its parent. */
    private String leafCheckpoint(String vmId) {
        List<Checkpoint> all = checkpoints(vmId);
        Set<String> parents = new HashSet<>();
        all.forEach(c -> {
            if (c.parentIdPresent() && c.parentId() != null) {
                parents.add(c.parentId());
            }
        });
        return all.stream().map(Checkpoint::id).filter(id -> !parents.contains(id)).findFirst().orElse(null);
    }

    private Checkpoint rootCheckpoint(String vmId) {
        List<Checkpoint> all = checkpoints(vmId);
        Set<String> ids = new HashSet<>();
        all.forEach(c -> ids.add(c.id()));
        return all.stream().filter(c -> !c.parentIdPresent() || c.parentId() == null || !ids.contains(c.parentId()))
                .findFirst().orElse(null);
    }

    private void finalizeAndWait(String vmId, String backupId) {
        Backup b = get(vmId, backupId);
        if (b == null) {
            return;
        }
        if (!(b.phasePresent() && b.phase() == BackupPhase.FINALIZING)) {
            try {
                client.call("finalize backup " + backupId, s -> s.vmsService().vmService(vmId).backupsService()
                        .backupService(backupId).finalize_().send());
            } catch (HoistException e) {
                if (!"NotFound".equals(e.code())) {
                    throw e;
                }
                return;
            }
        }
        long end = System.nanoTime() + FINALIZE_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            Backup now = get(vmId, backupId);
            if (now == null || !now.phasePresent() || now.phase() == null) {
                return; // gone, or in a phase newer than this SDK's model (succeeded/failed): ended either way
            }
            Interruptions.sleep(200);
        }
        throw new HoistException(HoistException.Type.UNAVAILABLE, "BackupFinalizeTimeout",
                "backup " + backupId + " still finalizing after " + FINALIZE_TIMEOUT.toMinutes() + " minutes");
    }

    private void finalizeQuietly(String vmId, String backupId) {
        Interruptions.runDespiteInterrupt(() -> {
            try {
                finalizeAndWait(vmId, backupId);
            } catch (RuntimeException ignored) {
                // the caller's error matters more; a leftover backup is finalized by the next create
            }
        });
    }
}
