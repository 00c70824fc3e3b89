package io.hoist.plugin.ovirt.backup;

import io.hoist.api.HoistException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The checkpoints Hoist's backups created, per VM, in the provider's work directory: a platform restart (or a
 * crash) must not leave them on the engine, and only these are ever removed (another backup tool's checkpoints
 * on the same VM are not ours). One file per VM, one id per line, replaced atomically.
 */
public final class CheckpointLedger {
    private final Path dir;

    public CheckpointLedger(Path dir) {
        this.dir = dir;
    }

    public synchronized void add(String vmId, String checkpointId) {
        Set<String> ids = read(vmId);
        if (ids.add(checkpointId)) {
            write(vmId, ids);
        }
    }

    public synchronized boolean contains(String vmId, String checkpointId) {
        return read(vmId).contains(checkpointId);
    }

    public synchronized void remove(String vmId, String checkpointId) {
        Set<String> ids = read(vmId);
        if (ids.remove(checkpointId)) {
            write(vmId, ids);
        }
    }

    public synchronized Set<String> all(String vmId) {
        return Set.copyOf(read(vmId));
    }

    private Path file(String vmId) {
        if (!vmId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("not a VM id: " + vmId);
        }
        return dir.resolve(vmId);
    }

    private Set<String> read(String vmId) {
        Path f = file(vmId);
        Set<String> ids = new LinkedHashSet<>();
        try {
            if (Files.exists(f)) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        ids.add(line.trim());
                    }
                }
            }
        } catch (IOException e) {
            throw failure(f, e);
        }
        return ids;
    }

    private void write(String vmId, Set<String> ids) {
        Path f = file(vmId);
        try {
            Files.createDirectories(dir);
            if (ids.isEmpty()) {
                Files.deleteIfExists(f);
                return;
            }
            Path tmp = dir.resolve(f.getFileName() + ".tmp");
            Files.writeString(tmp, String.join("\n", ids) + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw failure(f, e);
        }
    }

    private static HoistException failure(Path f, IOException e) {
        return new HoistException(HoistException.Type.INTERNAL, "CheckpointLedger",
                "cannot read or write the list of Hoist's checkpoints " + f + ": " + e.getMessage(), e);
    }
}
