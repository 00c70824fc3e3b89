package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.cli.client.ApiException;
import io.hoist.core.model.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "apply", description = {
        "Create or update the objects of multi-document YAML manifests, in file order, as kubectl apply does:",
        "an update sets what the manifest says and removes what the previous apply set and the manifest no",
        "longer says; labels, annotations and fields set by others are kept.",
        "Example: hoist apply -f plan.yaml -n demo; hoist apply -f manifests/; cat x.yaml | hoist apply -f -"})
public final class ApplyCommand extends NamespacedCommand {
    /** Fields the server owns: dropped so `get -o yaml` output can be applied again. */
    private static final List<String> SERVER_METADATA = List.of("uid", "resourceVersion", "generation",
            "creationTimestamp", "managedFields", "selfLink");

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR|-",
            description = "A YAML/JSON file, a directory of them, or - for standard input. Repeatable.")
    List<String> files;

    @Override
    protected int execute() {
        List<Manifest> manifests = new ArrayList<>();
        for (String f : files) {
            manifests.addAll(ManifestReader.read(f, context().stdin()));
        }
        if (manifests.isEmpty()) {
            throw new CliException("no objects found in " + String.join(", ", files));
        }
        ApiClient api = client();
        int failures = 0;
        for (Manifest m : manifests) {
            try {
                out().println(apply(api, m));
            } catch (ApiException e) {
                failures++;
                err().println(context().terminal().red("error:") + " " + label(m) + ": " + ErrorLine.of(e) + missingNamespaceHint(e));
            } catch (CliException e) {
                failures++;
                err().println(context().terminal().red("error:") + " " + ErrorLine.of(e));
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private String apply(ApiClient api, Manifest m) {
        ObjectNode obj = m.object().deepCopy();
        String kindName = obj.path("kind").asText("");
        if (kindName.isEmpty()) {
            throw new CliException(m.source() + ": kind is required");
        }
        if (kindName.equals("Namespace")) {
            return applyNamespace(api, m, obj);
        }
        ResourceKind kind = ResourceKind.byKind(kindName).orElseThrow(() ->
                new CliException(m.source() + ": kind '" + kindName + "' is not served by hoist"));
        String apiVersion = obj.path("apiVersion").asText("");
        if (!apiVersion.equals(kind.apiVersion())) {
            throw new CliException(m.source() + ": apiVersion '" + apiVersion + "' for kind " + kindName
                    + "; expected " + kind.apiVersion());
        }
        if (!(obj.get("metadata") instanceof ObjectNode meta) || meta.path("name").asText("").isBlank()) {
            throw new CliException(m.source() + ": metadata.name is required");
        }
        String name = meta.path("name").asText();
        String ns = namespace();
        String declared = meta.path("namespace").asText("");
        if (!declared.isEmpty()) {
            if (namespaceOption.namespace != null && !declared.equals(namespaceOption.namespace)) {
                throw new CliException(m.source() + ": metadata.namespace '" + declared
                        + "' does not match -n " + namespaceOption.namespace);
            }
            ns = declared;
        }
        meta.put("namespace", ns);
        SERVER_METADATA.forEach(meta::remove);
        obj.remove("status");
        String label = kind.singular() + "/" + name;

        recordLastApplied(obj, meta);

        Optional<ObjectNode> existing = api.find(kind, ns, name);
        if (existing.isEmpty()) {
            try {
                api.create(kind, ns, obj);
                return label + " created";
            } catch (ApiException e) {
                if (e.status() != 409) {
                    throw e;
                }
                existing = api.find(kind, ns, name); // created meanwhile by someone else: update it instead
                if (existing.isEmpty()) {
                    throw e;
                }
            }
        }
        ObjectNode live = existing.get();
        if (kind == ResourceKind.SECRET) {
            return label + applySecret(api, ns, name, obj, live);
        }
        ObjectNode patch = ApplyPatch.threeWay(ApplyPatch.lastApplied(live), obj, live);
        if (patch.isEmpty()) {
            return label + " unchanged";
        }
        api.mergePatch(kind, ns, name, patch, false);
        return label + " configured";
    }

    /**
     * A v1 Namespace: created when missing; otherwise its labels and annotations get the same three-way merge as
     * any object (all Hoist keeps of a namespace besides its name).
     */
    private String applyNamespace(ApiClient api, Manifest m, ObjectNode obj) {
        if (!obj.path("apiVersion").asText("").equals("v1")) {
            throw new CliException(m.source() + ": apiVersion '" + obj.path("apiVersion").asText("")
                    + "' for kind Namespace; expected v1");
        }
        if (!(obj.get("metadata") instanceof ObjectNode meta) || meta.path("name").asText("").isBlank()) {
            throw new CliException(m.source() + ": metadata.name is required");
        }
        String name = meta.path("name").asText();
        SERVER_METADATA.forEach(meta::remove);
        meta.remove("namespace");
        obj.remove("spec");
        obj.remove("status");
        recordLastApplied(obj, meta);
        String label = "namespace/" + name;
        Optional<ObjectNode> existing = api.findNamespace(name);
        if (existing.isEmpty()) {
            try {
                api.createNamespace(obj);
                return label + " created";
            } catch (ApiException e) {
                existing = e.status() == 409 ? api.findNamespace(name) : Optional.empty();
                if (existing.isEmpty()) {
                    throw e;
                }
            }
        }
        ObjectNode live = existing.get();
        JsonNode last = ApplyPatch.lastApplied(live);
        ObjectNode patch = ApplyPatch.threeWay(last == null ? null : onlyMetadata(last), onlyMetadata(obj), onlyMetadata(live));
        if (patch.isEmpty()) {
            return label + " unchanged";
        }
        api.patchNamespace(name, patch);
        return label + " configured";
    }

    /** {@code {metadata: {labels, annotations}}} of a namespace: what the three-way merge may touch. */
    private static ObjectNode onlyMetadata(JsonNode ns) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode meta = out.putObject("metadata");
        for (String field : List.of("labels", "annotations")) {
            if (ns.path("metadata").get(field) instanceof ObjectNode o) {
                meta.set(field, o.deepCopy());
            }
        }
        return out;
    }

    /**
     * Secrets come back without values (and without their last-applied copy, which holds them), so the manifest is
     * sent as a two-way patch, first as a dry run: the server's digest of the data it would store, compared with
     * the live one, tells whether anything changes.
     */
    private static String applySecret(ApiClient api, String ns, String name, ObjectNode desired, ObjectNode live) {
        ObjectNode patch = desired.deepCopy();
        ObjectNode wouldBe = api.mergePatch(ResourceKind.SECRET, ns, name, patch, true);
        if (sameSecret(wouldBe, live)) {
            return " unchanged";
        }
        api.mergePatch(ResourceKind.SECRET, ns, name, patch, false);
        return " configured";
    }

    private static boolean sameSecret(ObjectNode a, ObjectNode b) {
        for (String field : List.of("type", "data", "immutable")) {
            if (!a.path(field).equals(b.path(field))) {
                return false;
            }
        }
        ObjectNode am = (ObjectNode) a.path("metadata").deepCopy();
        ObjectNode bm = (ObjectNode) b.path("metadata").deepCopy();
        // the digest and sizes are annotations, so comparing annotations compares the values too
        return am.path("labels").equals(bm.path("labels")) && am.path("annotations").equals(bm.path("annotations"));
    }

    /** A write into a namespace that does not exist: say how to make it. */
    private static String missingNamespaceHint(ApiException e) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^namespaces \"([a-z0-9-]+)\" not found$").matcher(
                e.getMessage() == null ? "" : e.getMessage());
        return e.status() == 404 && m.find() ? " (create it first: hoist create namespace " + m.group(1)
                + ", or a kind: Namespace document before the objects)" : "";
    }

    private static String label(Manifest m) {
        return m.object().path("kind").asText("?").toLowerCase(java.util.Locale.ROOT) + "/"
                + m.object().path("metadata").path("name").asText("?");
    }

    /** Puts the object as applied (without this annotation) in kubectl's last-applied-configuration annotation. */
    private static void recordLastApplied(ObjectNode obj, ObjectNode meta) {
        ObjectNode annotations = meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
        annotations.remove(ApplyPatch.LAST_APPLIED);
        if (annotations.isEmpty()) {
            meta.remove("annotations");
        }
        String lastApplied = obj.toString();
        annotations = meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
        annotations.put(ApplyPatch.LAST_APPLIED, lastApplied);
    }
}
