package io.hoist.core.server.mustgather;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderStatus;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.logging.Logging;
import io.hoist.core.store.ResourceStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * One support archive (tar.gz), as MTV's must-gather: every resource (Secrets reduced to their key names), the
 * inventory of the providers involved with their validation concerns, plugins, settings, the server log and the
 * hook/conversion logs, version and environment. Targeted by namespace, plan and VM like MTV's
 * {@code /usr/bin/targeted}. Every text written is scrubbed of every Secret value and token the platform holds,
 * so a value that leaked into a log or a status message still never leaves in the archive.
 */
public final class MustGather {
    /** What to gather: null fields mean "all". */
    public record Target(String namespace, String plan, String vm) {}

    private static final String REDACTED = "<redacted>";
    private static final int MIN_SECRET_LENGTH = 4;

    private final ResourceStore store;
    private final Inventory inventory;
    private final Map<String, Supplier<Object>> documents;
    private final Path dataDir;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * {@code documents}: more JSON files for the archive, by file name (plugins.json, validation.json), each read when
     * the archive is written.
     */
    public MustGather(ResourceStore store, Inventory inventory, Map<String, Supplier<Object>> documents, Path dataDir) {
        this.store = store;
        this.inventory = inventory;
        this.documents = Map.copyOf(documents);
        this.dataDir = dataDir;
    }

    /** Writes the archive; the stream is finished (not closed). */
    public void write(Target target, OutputStream out) throws IOException {
        Set<String> secrets = secretValues();
        String root = "must-gather-" + Instant.now().toString().replace(":", "") + "/";
        GZIPOutputStream gz = new GZIPOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        Archive archive = new Archive(tar, root, secrets);

        Selection selection = select(target);
        for (ResourceKind kind : ResourceKind.values()) {
            for (ObjectNode o : store.list(kind, target.namespace())) {
                if (!selection.includes(kind, o)) {
                    continue;
                }
                ObjectNode copy = o.deepCopy();
                if (kind == ResourceKind.SECRET) {
                    redactSecret(copy);
                }
                String ns = o.path("metadata").path("namespace").asText("_cluster");
                archive.text("resources/" + ns + "/" + kind.plural() + "/" + o.path("metadata").path("name").asText() + ".yaml",
                        yaml.writeValueAsString(copy));
            }
        }
        for (String providerUid : selection.providerUids) {
            inventory.provider(providerUid).ifPresent(status -> {
                try {
                    archiveInventory(archive, status);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        for (var d : new java.util.TreeMap<>(documents).entrySet()) {
            archive.text(d.getKey(), json.writeValueAsString(d.getValue().get()));
        }
        archive.text("version.json", json.writeValueAsString(version()));
        archive.text("logging.json", json.writeValueAsString(Map.of("levels", Logging.levels())));
        archiveLogs(archive, selection);
        tar.finish();
        gz.finish();
    }

    private void archiveInventory(Archive archive, ProviderStatus status) throws IOException {
        String base = "inventory/" + status.ref().type() + "/" + status.ref().namespace() + "/" + status.ref().name() + "/";
        archive.text(base + "provider.json", json.writeValueAsString(status));
        for (String collection : status.counts().keySet()) {
            var docs = inventory.list(status.ref().uid(), collection);
            if (docs.isPresent()) {
                // VMs carry their validation concerns: the validation results of the archive.
                archive.text(base + collection + ".json", json.writeValueAsString(docs.get()));
            }
        }
    }

    private void archiveLogs(Archive archive, Selection selection) throws IOException {
        Path logs = dataDir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        Path serverLog = dataDir.resolve(Logging.LOG_FILE);
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                Path rel = logs.relativize(f);
                boolean server = f.getParent().equals(serverLog.getParent()) && f.getFileName().toString().startsWith("hoist.log");
                // Step logs live in logs/<namespace>/<plan>/<migration>/<vm>/<step>.log.
                if (!server && !selection.includesStepLog(rel)) {
                    continue;
                }
                if (f.getFileName().toString().endsWith(".tmp")) {
                    continue;
                }
                archive.text("logs/" + rel.toString().replace('\\', '/'), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
    }

    /** Every Secret value (plain and base64) and every token file's content: scrubbed from the whole archive. */
    private Set<String> secretValues() {
        Set<String> values = new LinkedHashSet<>();
        for (ObjectNode s : store.list(ResourceKind.SECRET, null)) {
            for (String field : List.of("data", "stringData")) {
                s.path(field).properties().forEach(e -> {
                    String v = e.getValue().asText("");
                    values.add(v);
                    if (field.equals("data")) {
                        try {
                            values.add(new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
                        } catch (IllegalArgumentException notBase64) {
                            // kept as is
                        }
                    } else {
                        values.add(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
                    }
                });
            }
        }
        for (String tokenFile : List.of("token", "metrics-token")) {
            try {
                Path p = dataDir.resolve(tokenFile);
                if (Files.isRegularFile(p)) {
                    values.add(Files.readString(p).trim());
                }
            } catch (IOException unreadable) {
                // nothing to scrub
            }
        }
        values.removeIf(v -> v.trim().length() < MIN_SECRET_LENGTH);
        return values;
    }

    /** Keeps the keys of data/stringData, never a value. */
    static void redactSecret(ObjectNode secret) {
        for (String field : List.of("data", "stringData")) {
            if (secret.get(field) instanceof ObjectNode values) {
                values.properties().forEach(e -> e.setValue(com.fasterxml.jackson.databind.node.TextNode.valueOf(REDACTED)));
            }
        }
        if (secret.path("metadata").path("annotations") instanceof ObjectNode annotations) {
            annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }

    private Map<String, Object> version() {
        Map<String, Object> v = new LinkedHashMap<>();
        String impl = MustGather.class.getPackage().getImplementationVersion();
        v.put("hoist", impl == null ? "dev" : impl);
        v.put("pluginApi", io.hoist.api.PluginApi.VERSION);
        v.put("java", System.getProperty("java.runtime.version"));
        v.put("javaVendor", System.getProperty("java.vendor"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        v.put("processors", Runtime.getRuntime().availableProcessors());
        v.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        v.put("dataDir", dataDir.toString());
        v.put("gathered", io.hoist.core.model.Timestamps.now());
        return v;
    }

    /** Which objects a targeted gather keeps: the plans, their migrations, providers, maps, hooks and Secrets. */
    private Selection select(Target target) {
        Selection s = new Selection(target);
        List<ObjectNode> plans = store.list(ResourceKind.PLAN, target.namespace());
        for (ObjectNode plan : plans) {
            if (target.plan() != null && !target.plan().equals(plan.path("metadata").path("name").asText())) {
                continue;
            }
            if (target.vm() != null && !hasVm(plan, target.vm())) {
                continue;
            }
            s.add(ResourceKind.PLAN, plan);
            String ns = plan.path("metadata").path("namespace").asText();
            JsonNode spec = plan.path("spec");
            for (String side : List.of("source", "destination")) {
                s.refs.add(key(ResourceKind.PROVIDER, spec.path("provider").path(side), ns));
            }
            s.refs.add(key(ResourceKind.NETWORK_MAP, spec.path("map").path("network"), ns));
            s.refs.add(key(ResourceKind.STORAGE_MAP, spec.path("map").path("storage"), ns));
            for (JsonNode vm : spec.path("vms")) {
                for (JsonNode hook : vm.path("hooks")) {
                    s.refs.add(key(ResourceKind.HOOK, hook.path("hook"), ns));
                }
            }
        }
        for (ObjectNode p : store.list(ResourceKind.PROVIDER, null)) {
            if (s.refs.contains(ResourceKind.PROVIDER + "/" + p.path("metadata").path("namespace").asText() + "/"
                    + p.path("metadata").path("name").asText()) || !s.targeted()) {
                s.providerUids.add(p.path("metadata").path("uid").asText());
                s.refs.add(key(ResourceKind.SECRET, p.path("spec").path("secret"), p.path("metadata").path("namespace").asText()));
            }
        }
        return s;
    }

    private static boolean hasVm(JsonNode plan, String vm) {
        for (JsonNode v : plan.path("spec").path("vms")) {
            if (vm.equals(v.path("id").asText()) || vm.equals(v.path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    private static String key(ResourceKind kind, JsonNode ref, String defaultNamespace) {
        String ns = ref.path("namespace").asText("");
        return kind + "/" + (ns.isEmpty() ? defaultNamespace : ns) + "/" + ref.path("name").asText("");
    }

    private static final class Selection {
        final Target target;
        final Set<String> plans = new LinkedHashSet<>();
        final Set<String> refs = new LinkedHashSet<>();
        final Set<String> providerUids = new LinkedHashSet<>();

        Selection(Target target) {
            this.target = target;
        }

        boolean targeted() {
            return target.plan() != null || target.vm() != null;
        }

        void add(ResourceKind kind, JsonNode o) {
            plans.add(o.path("metadata").path("namespace").asText() + "/" + o.path("metadata").path("name").asText());
        }

        boolean includes(ResourceKind kind, JsonNode o) {
            if (!targeted()) {
                return true;
            }
            String ns = o.path("metadata").path("namespace").asText();
            String name = o.path("metadata").path("name").asText();
            return switch (kind) {
                case PLAN -> plans.contains(ns + "/" + name);
                case MIGRATION -> plans.contains(MigrationRef.plan(o));
                case FORKLIFT_CONTROLLER, CONFIG_MAP -> true; // settings and validation rules
                case EVENT -> plans.contains(ns + "/" + o.path("involvedObject").path("name").asText())
                        || "Migration".equals(o.path("involvedObject").path("kind").asText());
                default -> refs.contains(kind + "/" + ns + "/" + name);
            };
        }

        boolean includesStepLog(Path rel) {
            if (rel.getNameCount() < 5) {
                return !targeted();
            }
            String planKey = rel.getName(0) + "/" + rel.getName(1);
            boolean planOk = !targeted() || plans.contains(planKey);
            boolean vmOk = target.vm() == null || rel.getName(3).toString().equals(target.vm());
            boolean nsOk = target.namespace() == null || rel.getName(0).toString().equals(target.namespace());
            return planOk && vmOk && nsOk;
        }
    }

    private static final class MigrationRef {
        static String plan(JsonNode migration) {
            JsonNode ref = migration.path("spec").path("plan");
            String ns = ref.path("namespace").asText("");
            return (ns.isEmpty() ? migration.path("metadata").path("namespace").asText() : ns) + "/" + ref.path("name").asText();
        }
    }

    /** Writes scrubbed text entries. */
    private static final class Archive {
        private final TarArchiveOutputStream tar;
        private final String root;
        private final List<String> secrets;

        Archive(TarArchiveOutputStream tar, String root, Set<String> secrets) {
            this.tar = tar;
            this.root = root;
            // longest first, so a value containing another is replaced whole
            this.secrets = new ArrayList<>(secrets);
            this.secrets.sort((a, b) -> b.length() - a.length());
        }

        void text(String name, String content) throws IOException {
            String scrubbed = content;
            for (String s : secrets) {
                scrubbed = scrubbed.replace(s, REDACTED);
            }
            byte[] bytes = scrubbed.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(root + name);
            e.setSize(bytes.length);
            e.setMode(0600);
            e.setModTime(System.currentTimeMillis());
            tar.putArchiveEntry(e);
            tar.write(bytes);
            tar.closeArchiveEntry();
        }
    }
}
