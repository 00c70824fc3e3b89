package io.hoist.cli;

import io.hoist.cli.client.ApiException;
import io.hoist.core.model.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hoist delete KIND NAME...} or {@code hoist delete -f FILE|DIR}: as kubectl, every object is tried,
 * each failure is its own error line, and the exit code is 1 when any failed.
 */
@Command(name = "delete", description = {"Delete objects by kind and name(s), or those in manifest files.",
        "A namespace is deleted only when it holds nothing (Hoist keeps plans and their history).",
        "Example: hoist delete plan web-tier db-tier -n demo; hoist delete -f examples/ova/; hoist delete namespace wave-1"})
public final class DeleteCommand extends NamespacedCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "Kind (singular, plural or Kind).")
    String kind;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "NAME", description = "One or more names.")
    List<String> names = new ArrayList<>();

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-",
            description = "Delete the objects of a YAML/JSON file, a directory of them, or - for standard input. Repeatable.")
    List<String> files = new ArrayList<>();

    @Option(names = "--ignore-not-found", description = "An object that does not exist is not an error.")
    boolean ignoreNotFound;

    /** One object to delete; {@code kind} null is a namespace ({@code name}). */
    private record Target(ResourceKind kind, String namespace, String name, String source) {
        String label() {
            return (kind == null ? "namespace" : kind.singular()) + "/" + name;
        }
    }

    @Override
    protected int execute() {
        List<Target> targets = targets();
        var api = client();
        int failures = 0;
        for (Target t : targets) {
            String label = t.label();
            try {
                if (t.kind() == null) {
                    api.deleteNamespace(t.name());
                } else {
                    api.delete(t.kind(), t.namespace(), t.name());
                }
                out().println(label + " deleted");
            } catch (CliException e) {
                boolean notFound = e instanceof ApiException api404 && api404.status() == 404
                        || e.getMessage() != null && e.getMessage().contains("not found");
                if (notFound && ignoreNotFound) {
                    continue;
                }
                failures++;
                err().println(context().terminal().red("error:") + " " + (t.source() == null ? "" : t.source() + ": ")
                        + ErrorLine.of(e));
            }
            out().flush();
        }
        return failures == 0 ? 0 : 1;
    }

    private List<Target> targets() {
        if (!files.isEmpty()) {
            if (kind != null) {
                throw new CliException("give either -f FILE or KIND NAME..., not both");
            }
            List<Target> out = new ArrayList<>();
            for (String f : files) {
                for (Manifest m : ManifestReader.read(f, context().stdin())) {
                    String k = m.object().path("kind").asText("");
                    String name = m.object().path("metadata").path("name").asText("");
                    if (name.isBlank()) {
                        throw new CliException(m.source() + ": metadata.name is required");
                    }
                    if (k.equals("Namespace")) {
                        out.add(new Target(null, null, name, m.source()));
                        continue;
                    }
                    ResourceKind rk = ResourceKind.byKind(k).orElseThrow(() ->
                            new CliException(m.source() + ": kind '" + k + "' is not served by hoist"));
                    String declared = m.object().path("metadata").path("namespace").asText("");
                    out.add(new Target(rk, declared.isEmpty() ? namespace() : declared, name, m.source()));
                }
            }
            // Reverse apply order: a Migration goes before its Plan, a Plan before its maps and providers.
            return out.reversed();
        }
        if (kind == null) {
            throw new CliException("give KIND NAME... or -f FILE (see 'hoist delete --help')");
        }
        if (Namespaces.isNamespaceKind(kind)) {
            if (names.isEmpty()) {
                throw new CliException("NAME: give at least one namespace name to delete");
            }
            return names.stream().map(n -> new Target(null, null, n, null)).toList();
        }
        if (names.isEmpty()) {
            throw new CliException("NAME: give at least one " + Kinds.resolve(kind).singular() + " name to delete");
        }
        ResourceKind k = Kinds.resolve(kind);
        String ns = namespace();
        return names.stream().map(n -> new Target(k, ns, n, null)).toList();
    }
}
