package io.hoist.core.transfer.checkpoint;

import io.hoist.core.transfer.checksum.BlockDigests;
import io.hoist.core.transfer.checksum.ChecksumMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Baselines as files in one directory ({@code DATA/digests} of a single process): {@code KEY.sha256s} (the name from
 * before there was a choice) or {@code KEY.xxh128s} with the digests, or a {@code KEY.none} marker for a pass run
 * with checksum none. The marker wins over digests: it is written first and removed last, so a crash in between never
 * pairs a stale baseline with a verified claim.
 */
public final class FileBaselineStore implements BaselineStore {
    private final Path dir;

    public FileBaselineStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    @Override
    public Optional<Baseline> load(String key, long size, ChecksumMode wanted) throws IOException {
        if (Files.exists(noneMarker(key))) {
            return Optional.of(Baseline.UNHASHED);
        }
        List<ChecksumMode> order = new ArrayList<>(List.of(wanted));
        for (ChecksumMode m : ChecksumMode.values()) {
            if (m.verifies() && m != wanted) {
                order.add(m);
            }
        }
        for (ChecksumMode m : order) {
            Path f = digestsFile(key, m);
            if (m.verifies() && Files.exists(f)) {
                return Optional.of(new Baseline(BlockDigests.of(m, size, Files.readAllBytes(f))));
            }
        }
        return Optional.empty();
    }

    @Override
    public void save(String key, BlockDigests digests) throws IOException {
        if (digests == null) {
            Files.write(noneMarker(key), new byte[0]);
            deleteDigestsOtherThan(key, null);
            return;
        }
        Path f = digestsFile(key, digests.mode());
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.write(tmp, digests.prefix(digests.blockCount()));
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        deleteDigestsOtherThan(key, digests.mode());
        Files.deleteIfExists(noneMarker(key));
    }

    private Path digestsFile(String key, ChecksumMode mode) {
        return dir.resolve(fileKey(key) + "." + mode.label().replace("-4m", "") + "s");
    }

    private Path noneMarker(String key) {
        return dir.resolve(fileKey(key) + ".none");
    }

    private void deleteDigestsOtherThan(String key, ChecksumMode kept) throws IOException {
        for (ChecksumMode m : ChecksumMode.values()) {
            if (m.verifies() && m != kept) {
                Files.deleteIfExists(digestsFile(key, m));
            }
        }
    }

    /** Keys contain '/', file names may not. */
    private static String fileKey(String key) {
        return CheckpointKeys.safe(key);
    }
}
