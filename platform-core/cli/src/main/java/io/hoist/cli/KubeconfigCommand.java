package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.cli.client.Connection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "kubeconfig", description = {
        "Write or merge a kubeconfig entry (cluster, user with the token, context) so kubectl talks to Hoist.",
        "Other clusters, users and contexts in the file are kept; the file stays readable by its owner only.",
        "kubectl sends a token only over https: the CA of a local 'hoist serve' (DATA/tls/ca.crt) is embedded,",
        "another server's CA is given with --cacert.",
        "Example: hoist kubeconfig && kubectl get plans -A"})
public final class KubeconfigCommand extends ClientCommand {
    @Option(names = "--context", paramLabel = "NAME", description = "Context (and cluster and user) name (default: ${DEFAULT-VALUE}).")
    String contextName = "hoist";

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The kubeconfig to write (default: the first file of $KUBECONFIG, else ~/.kube/config).")
    Path file;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The context's namespace (default: ${DEFAULT-VALUE}).")
    String namespace = "default";

    @Option(names = "--no-switch", description = "Do not make it the current context.")
    boolean noSwitch;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    @Override
    protected int execute() throws IOException {
        Connection c = clientOptions.connection(context());
        boolean https = c.url().startsWith("https://");
        Path target = file != null ? file : defaultFile();
        ObjectNode config = Files.exists(target) ? readConfig(target) : YAML.createObjectNode();
        config.put("apiVersion", "v1");
        config.put("kind", "Config");

        ObjectNode cluster = YAML.createObjectNode().put("server", c.url());
        if (c.caCert() != null) {
            cluster.put("certificate-authority-data", Base64.getEncoder().encodeToString(Files.readAllBytes(c.caCert())));
        } else if (c.insecure()) {
            cluster.put("insecure-skip-tls-verify", true);
        }
        upsert(config, "clusters", "cluster", cluster);
        upsert(config, "users", "user", YAML.createObjectNode().put("token", c.token()));
        upsert(config, "contexts", "context", YAML.createObjectNode()
                .put("cluster", contextName).put("user", contextName).put("namespace", namespace));
        if (!noSwitch || !config.hasNonNull("current-context")) {
            config.put("current-context", contextName);
        }
        write(target, config);
        out().println("context '" + contextName + "' for " + c.url() + " written to " + target);
        if (!https) {
            err().println("warning: " + c.url() + " is plain http: kubectl never sends a token over http, so its"
                    + " requests will be refused (401); serve without --plain-http");
        }
        return 0;
    }

    private Path defaultFile() {
        String env = context().env().get("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env.split(java.io.File.pathSeparator)[0]);
        }
        return Path.of(System.getProperty("user.home"), ".kube", "config");
    }

    private static ObjectNode readConfig(Path target) {
        try {
            JsonNode n = YAML.readTree(target.toFile());
            if (n == null || n.isMissingNode() || n.isNull()) {
                return YAML.createObjectNode();
            }
            if (!(n instanceof ObjectNode o)) {
                throw new CliException(target + " is not a kubeconfig (not a YAML mapping); nothing was written");
            }
            return o;
        } catch (IOException e) {
            throw new CliException(target + " cannot be read as YAML (" + e.getClass().getSimpleName()
                    + "); nothing was written");
        }
    }

    /** Replaces the entry named {@link #contextName} in a named list, or appends it. */
    private void upsert(ObjectNode config, String list, String field, ObjectNode value) {
        ArrayNode entries = config.get(list) instanceof ArrayNode a ? a : config.putArray(list);
        for (JsonNode e : entries) {
            if (e instanceof ObjectNode o && contextName.equals(o.path("name").asText())) {
                o.set(field, value);
                return;
            }
        }
        entries.addObject().put("name", contextName).set(field, value);
    }

    /** Atomically, 0600 from the start: the file holds a token. */
    private static void write(Path target, ObjectNode config) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".kubeconfig", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, YAML.writeValueAsString(config));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
