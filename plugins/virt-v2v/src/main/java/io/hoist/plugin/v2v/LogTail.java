package io.hoist.plugin.v2v;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;

/** The last {@code limit} bytes of a converter's log, by whole lines (virt-v2v -v writes hundreds of MiB on big guests). */
public final class LogTail {
    public static final int DEFAULT_LIMIT = 1 << 20;

    private final int limit;
    private final Deque<String> lines = new ArrayDeque<>();
    private long bytes;
    private long dropped;

    public LogTail(int limit) {
        this.limit = limit;
    }

    public synchronized void add(String line) {
        int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
        lines.addLast(line);
        bytes += size;
        while (bytes > limit && lines.size() > 1) {
            bytes -= lines.removeFirst().getBytes(StandardCharsets.UTF_8).length + 1;
            dropped++;
        }
    }

    public synchronized String text() {
        StringBuilder b = new StringBuilder((int) Math.min(bytes + 64, Integer.MAX_VALUE));
        if (dropped > 0) {
            b.append("[hoist: ").append(dropped).append(" earlier lines dropped, last ").append(limit).append(" bytes kept]\n");
        }
        lines.forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    /** Replaces {@code file} atomically with the kept text. */
    public void writeTo(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
