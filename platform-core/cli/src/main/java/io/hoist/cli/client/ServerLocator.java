package io.hoist.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.cli.CliException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the server and the token, first match wins: the command-line options, then {@code HOIST_SERVER}
 * and {@code HOIST_TOKEN}, then the data dir ({@code DATA/server.json} written by {@code hoist serve},
 * and {@code DATA/token}).
 */
public final class ServerLocator {
    public static final String ENV_SERVER = "HOIST_SERVER";
    public static final String ENV_TOKEN = "HOIST_TOKEN";
    public static final String ENV_CACERT = "HOIST_CACERT";
    /** Where {@code hoist serve} keeps the CA of the certificate it made for itself. */
    public static final String DATA_DIR_CA = "tls/ca.crt";

    private ServerLocator() {}

    public static Connection locate(String server, String token, Path dataDir, Path caCert, boolean insecure,
                                    Map<String, String> env) {
        String url = firstNonBlank(server, env.get(ENV_SERVER));
        boolean local = url == null;
        if (local) {
            url = urlFromDataDir(dataDir);
        }
        url = validateUrl(url);
        String tok = firstNonBlank(token, env.get(ENV_TOKEN));
        if (tok == null) {
            tok = tokenFromDataDir(dataDir);
        }
        return new Connection(url, tok.trim(), trusted(caCert, env, local ? dataDir : null), insecure);
    }

    /**
     * The CA file to trust: {@code --cacert}, else {@code HOIST_CACERT}, else the data dir's own CA when the
     * server was found through that data dir; null for the JDK's trust store.
     */
    public static Path trusted(Path caCert, Map<String, String> env, Path localDataDir) {
        if (caCert != null) {
            return readable(caCert, "--cacert");
        }
        String fromEnv = env.get(ENV_CACERT);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return readable(Path.of(fromEnv.strip()), ENV_CACERT);
        }
        if (localDataDir != null && Files.isRegularFile(localDataDir.resolve(DATA_DIR_CA))) {
            return localDataDir.resolve(DATA_DIR_CA);
        }
        return null;
    }

    private static Path readable(Path file, String from) {
        if (!Files.isReadable(file)) {
            throw new CliException(from + ": cannot read " + file + (Files.exists(file) ? " (permission denied)" : " (no such file)"));
        }
        return file;
    }

    private static String urlFromDataDir(Path dataDir) {
        Path file = dataDir.resolve("server.json");
        if (!Files.isRegularFile(file)) {
            throw new CliException("no server: pass --server or set " + ENV_SERVER + ", or start 'hoist serve --data-dir "
                    + dataDir + "' (no " + file + ")");
        }
        JsonNode info;
        try {
            info = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        String url = info.path("url").asText("");
        if (url.isBlank()) {
            throw new CliException(file + " has no url");
        }
        long pid = info.path("pid").asLong(0);
        if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
            throw new CliException("the server in " + dataDir + " is not running (process " + pid
                    + " has exited); start it with 'hoist serve --data-dir " + dataDir + "'");
        }
        return url;
    }

    private static String tokenFromDataDir(Path dataDir) {
        Path file = dataDir.resolve("token");
        if (!Files.isRegularFile(file)) {
            throw new CliException("no token: pass --token or set " + ENV_TOKEN + ", or use the data dir of a running"
                    + " server (no " + file + ")");
        }
        try {
            String token = Files.readString(file).trim();
            if (token.isEmpty()) {
                throw new CliException(file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String validateUrl(String url) {
        String trimmed = url.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            URI uri = URI.create(trimmed);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
        } catch (IllegalArgumentException e) {
            throw new CliException("--server: '" + url + "' is not an http:// or https:// URL");
        }
        return trimmed;
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }
}
