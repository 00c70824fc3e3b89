package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
        "Create or replace the objects of multi-document YAML manifests, in file order.",
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
                err().println("error: " + label(m) + ": " + e.getMessage());
                e.causes().forEach(c -> err().println(c));
            } catch (CliException e) {
                failures++;
                err().println("error: " + e.getMessage());
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

        Optional<ObjectNode> existing = api.find(kind, ns, name);
        if (existing.isEmpty()) {
            api.create(kind, ns, obj);
            return label + " created";
        }
        if (sameContent(obj, existing.get())) {
            return label + " unchanged";
        }
        meta.put("resourceVersion", existing.get().path("metadata").path("resourceVersion").asText());
        api.replace(kind, ns, name, obj);
        return label + " configured";
    }

    /** Unchanged when every field the manifest sets, except server-owned metadata, already has that value. */
    private static boolean sameContent(ObjectNode desired, ObjectNode current) {
        for (var it = desired.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("metadata")) {
                for (String f : List.of("labels", "annotations")) {
                    JsonNode want = e.getValue().path(f);
                    if (!want.isMissingNode() && !want.equals(current.path("metadata").path(f))) {
                        return false;
                    }
                }
            } else if (!e.getValue().equals(current.path(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static String label(Manifest m) {
        return m.object().path("kind").asText("?").toLowerCase(java.util.Locale.ROOT) + "/"
                + m.object().path("metadata").path("name").asText("?");
    }
}
