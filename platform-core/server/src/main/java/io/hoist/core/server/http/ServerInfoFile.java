package io.hoist.core.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code DATA/server.json} (0600): where a running server listens, for the CLI to find it. Holds no
 * secret; the token stays in {@code DATA/token}. Written atomically (temp file + rename).
 */
public final class ServerInfoFile {
    public static final String FILE = "server.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerInfoFile() {}

    public static void write(Path dataDir, String url, boolean tls) {
        write(dataDir, url, tls, null);
    }

    /** {@code caCert}: the CA the server generated (clients of this data dir trust it), or null. */
    public static void write(Path dataDir, String url, boolean tls, Path caCert) {
        ObjectNode info = JSON.createObjectNode();
        info.put("url", url);
        info.put("tls", tls);
        if (caCert != null) {
            info.put("caCert", caCert.toString());
        }
        info.put("pid", ProcessHandle.current().pid());
        info.put("startedAt", io.hoist.core.model.Timestamps.now());
        Path target = dataDir.resolve(FILE);
        try {
            Path tmp = Files.createTempFile(dataDir, ".server", ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, info.toPrettyString() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Removes the file if it still describes this process (a newer server may have replaced it). */
    public static void remove(Path dataDir) {
        Path target = dataDir.resolve(FILE);
        try {
            if (Files.exists(target)
                    && JSON.readTree(target.toFile()).path("pid").asLong() == ProcessHandle.current().pid()) {
                Files.delete(target);
            }
        } catch (IOException e) {
            // Stale info is harmless: the CLI checks the pid and the port.
        }
    }
}
