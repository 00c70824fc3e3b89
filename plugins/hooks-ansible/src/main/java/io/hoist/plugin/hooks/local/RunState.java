package io.hoist.plugin.hooks.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The durable record of one hook run in the host's state folder for it, so a restarted platform adopts the
 * run instead of starting the hook again (what a Job is to MTV's controller):
 * {@code attempt.json} (work folder, start time, deadline; written before the process starts), {@code pid}
 * and {@code exit} (written by the wrapper shell around ansible-playbook, which outlives a killed platform),
 * {@code output.log} (the process's output) and {@code result.json} (the outcome, once known; final).
 */
public record RunState(Path dir) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Attempt(Path workDir, long startedMillis, long deadlineSeconds) {}

    public record Result(boolean ok, String code, String message) {}

    Path output() {
        return dir.resolve("output.log");
    }

    Path pidFile() {
        return dir.resolve("pid");
    }

    Path exitFile() {
        return dir.resolve("exit");
    }

    public Optional<Result> result() {
        Path f = dir.resolve("result.json");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(f.toFile());
            return Optional.of(new Result(n.path("ok").asBoolean(), n.path("code").asText(""), n.path("message").asText("")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void recordResult(Result r) {
        ObjectNode n = JSON.createObjectNode().put("ok", r.ok()).put("code", r.code()).put("message", r.message());
        writeDurably("result.json", n.toString());
    }

    Optional<Attempt> attempt() {
        Path f = dir.resolve("attempt.json");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(f.toFile());
            return Optional.of(new Attempt(Path.of(n.path("workDir").asText()), n.path("started").asLong(), n.path("deadline").asLong()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void recordAttempt(Attempt a) {
        ObjectNode n = JSON.createObjectNode().put("workDir", a.workDir().toString()).put("started", a.startedMillis())
                .put("deadline", a.deadlineSeconds());
        writeDurably("attempt.json", n.toString());
    }

    /** Forgets an attempt that died without an outcome, so the hook starts over. */
    void clearAttempt() throws IOException {
        for (String f : new String[]{"attempt.json", "pid", "exit", "output.log"}) {
            Files.deleteIfExists(dir.resolve(f));
        }
    }

    Optional<Long> pid() {
        return readLong(pidFile());
    }

    Optional<Integer> exitCode() {
        return readLong(exitFile()).map(Long::intValue);
    }

    private static Optional<Long> readLong(Path f) {
        try {
            String s = Files.isRegularFile(f) ? Files.readString(f).strip() : "";
            return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Temporary file, fsync, atomic rename, fsync of the folder: the record survives a crash of the host. */
    private void writeDurably(String name, String content) {
        try {
            Path tmp = dir.resolve(name + "." + ProcessHandle.current().pid() + "." + Thread.currentThread().threadId() + ".tmp");
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (var d = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record hook state in " + dir + ": " + e.getMessage(), e);
        }
    }
}
