package io.hoist.core.engine.hooks;

import io.hoist.api.hook.HookLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The output of a VM's steps that run user code (hooks), one file per plan, migration, VM and step under
 * {@code DATA/logs}. Only the last {@value #KEEP} bytes are kept: a file is compacted when it reaches twice
 * that, so a chatty hook costs at most 2 MiB of disk. Read by {@code GET .../plans/{name}/log}.
 */
public final class StepLogs {
    public static final int KEEP = 1 << 20;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,100}");

    private final Path root;

    public StepLogs(Path dataDir) {
        this.root = dataDir.resolve("logs");
    }

    public Path file(String namespace, String plan, String migrationUid, String vmId, String step) {
        return root.resolve(segment(namespace)).resolve(segment(plan)).resolve(segment(migrationUid))
                .resolve(segment(vmId)).resolve(segment(step) + ".log");
    }

    /** The kept output (the last {@value #KEEP} bytes), or empty when the step wrote none. */
    public Optional<String> read(String namespace, String plan, String migrationUid, String vmId, String step) {
        Path f = file(namespace, plan, migrationUid, vmId, step);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(decode(tail(f, KEEP)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines (at most {@code maxBytes}), for a step's summary; empty when none. */
    public String lastLines(String namespace, String plan, String migrationUid, String vmId, String step, int lines, int maxBytes) {
        Path f = file(namespace, plan, migrationUid, vmId, step);
        if (!Files.isRegularFile(f)) {
            return "";
        }
        try {
            String text = decode(tail(f, maxBytes)).stripTrailing();
            String[] all = text.split("\n");
            int from = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
        } catch (IOException e) {
            return "";
        }
    }

    /** Removes every log of a plan (archive, delete). */
    public void deletePlan(String namespace, String plan) {
        deleteTree(root.resolve(segment(namespace)).resolve(segment(plan)));
    }

    /** An appender for one step's output. */
    public HookLog open(String namespace, String plan, String migrationUid, String vmId, String step) {
        return new Appender(file(namespace, plan, migrationUid, vmId, step));
    }

    private static final class Appender implements HookLog {
        private final Path file;

        Appender(Path file) {
            this.file = file;
        }

        @Override
        public synchronized void append(String text) {
            if (text == null || text.isEmpty()) {
                return;
            }
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (Files.size(file) >= 2L * KEEP) {
                    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                    Files.write(tmp, tail(file, KEEP));
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write step log " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void clear() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static byte[] tail(Path f, int max) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
            long len = raf.length();
            int n = (int) Math.min(len, max);
            byte[] out = new byte[n];
            raf.seek(len - n);
            raf.readFully(out);
            return out;
        }
    }

    /** UTF-8, tolerating a character cut at the start of a tail. */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A path segment that cannot climb out of the logs folder: safe names as they are, others hashed. */
    static String segment(String s) {
        if (s != null && SAFE.matcher(s).matches() && !s.contains("..")) {
            return s;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
            return "x-" + HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
