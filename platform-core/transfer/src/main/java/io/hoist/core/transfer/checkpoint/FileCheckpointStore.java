package io.hoist.core.transfer.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Checkpoints as one append-only file per disk. A save appends only the blocks done since the last save, as a
 * segment {@code [firstBlock, count, digests..., crc]}, then fsyncs; a torn tail after a crash fails its CRC and
 * is ignored, so the previous checkpoint stays valid. A new fingerprint rewrites the file atomically.
 */
public final class FileCheckpointStore implements CheckpointStore {
    private static final int MAGIC = 0x48434b31; // "HCK1"
    private final Path dir;
    /** Blocks already persisted per disk id, so saves append instead of rewriting. */
    private final Map<String, Integer> persisted = new HashMap<>();

    public FileCheckpointStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    @Override
    public synchronized Optional<Checkpoint> load(String diskId) throws IOException {
        Path file = fileFor(diskId);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        if (in.remaining() < 8 || in.getInt() != MAGIC) {
            return Optional.empty();
        }
        byte[] fp = new byte[in.getInt()];
        if (fp.length > in.remaining() - 8) {
            return Optional.empty();
        }
        in.get(fp);
        long size = in.getLong();
        ByteArrayOutputStream pairs = new ByteArrayOutputStream();
        int blocks = 0;
        while (in.remaining() >= 8) {
            int first = in.getInt();
            int count = in.getInt();
            if (first != blocks || count < 0 || in.remaining() < (long) count * Checkpoint.PAIR_BYTES + 8) {
                break;
            }
            byte[] body = new byte[count * Checkpoint.PAIR_BYTES];
            in.get(body);
            CRC32C crc = new CRC32C();
            crc.update(first);
            crc.update(body);
            if (in.getLong() != crc.getValue()) {
                break; // torn write: keep what was fully saved before it
            }
            pairs.writeBytes(body);
            blocks += count;
        }
        persisted.put(diskId, blocks);
        return Optional.of(Checkpoint.ofDigestPairs(new String(fp, StandardCharsets.UTF_8), size, pairs.toByteArray()));
    }

    @Override
    public synchronized void save(String diskId, Checkpoint cp) throws IOException {
        Path file = fileFor(diskId);
        Integer done = persisted.get(diskId);
        if (done == null || done > cp.blocksDone() || !Files.exists(file) || !sameHeader(file, cp)) {
            rewrite(file, cp);
        } else if (cp.blocksDone() > done) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(segment(cp, done)));
                ch.force(false);
            }
        }
        persisted.put(diskId, cp.blocksDone());
    }

    @Override
    public synchronized void clear(String diskId) throws IOException {
        Files.deleteIfExists(fileFor(diskId));
        persisted.remove(diskId);
    }

    private void rewrite(Path file, Checkpoint cp) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header(cp));
        out.write(segment(cp, 0));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(out.toByteArray()));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // make the rename itself durable
        } catch (IOException ignored) {
            // some file systems refuse fsync on directories; the rename is still atomic
        }
    }

    private boolean sameHeader(Path file, Checkpoint cp) throws IOException {
        byte[] want = header(cp);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer have = ByteBuffer.allocate(want.length);
            while (have.hasRemaining() && ch.read(have) > 0) { /* fill */ }
            return ByteBuffer.wrap(want).equals(have.flip());
        }
    }

    private static byte[] header(Checkpoint cp) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] fp = cp.fingerprint().getBytes(StandardCharsets.UTF_8);
        out.writeInt(MAGIC);
        out.writeInt(fp.length);
        out.write(fp);
        out.writeLong(cp.virtualSize());
        return bytes.toByteArray();
    }

    private static byte[] segment(Checkpoint cp, int from) {
        byte[] body = cp.digestPairs(from, cp.blocksDone());
        CRC32C crc = new CRC32C();
        crc.update(from);
        crc.update(body);
        return ByteBuffer.allocate(16 + body.length).putInt(from).putInt(cp.blocksDone() - from).put(body)
                .putLong(crc.getValue()).array();
    }

    private Path fileFor(String diskId) {
        // Disk ids come from the engine (plan/vm/disk); keep them readable but safe as file names.
        return dir.resolve(CheckpointKeys.safe(diskId) + ".ckpt");
    }
}
