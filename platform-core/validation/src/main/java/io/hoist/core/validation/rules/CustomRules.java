package io.hoist.core.validation.rules;

import io.hoist.policy.rego.parse.Parser;
import io.hoist.policy.rego.parse.RegoSyntaxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads custom rule files from their three sources: DATA/rules/&lt;package&gt;/, ConfigMaps, OPA bundles. */
public final class CustomRules {
    private CustomRules() {}

    /**
     * {@code .rego} files (not tests) directly under {@code rulesDir/<package>/}, and for vmware also under
     * {@code rulesDir/vsphere/} (the Provider type users know); empty when the folders are absent.
     */
    public static List<RuleFile> fromDirectory(Path rulesDir, RulePackage pkg) {
        List<RuleFile> out = new ArrayList<>();
        for (String folder : folders(pkg)) {
            read(rulesDir, folder, out);
        }
        return out;
    }

    /** The folders of DATA/rules a package reads. */
    public static List<String> folders(RulePackage pkg) {
        String type = pkg.providerType();
        return type.equals(pkg.name()) ? List.of(pkg.name()) : List.of(pkg.name(), type);
    }

    private static void read(Path rulesDir, String folder, List<RuleFile> out) {
        Path dir = rulesDir.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".rego") && !name.endsWith("_test.rego") && Files.isRegularFile(p)) {
                    out.add(new RuleFile("DATA/rules/" + folder, name, Files.readString(p, StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read custom rules in " + dir, e);
        }
    }

    /**
     * A ConfigMap's {@code data} (file name to Rego text), grouped by the package each file declares. Keys
     * not ending in {@code .rego} are ignored, as MTV's validation pod ignores them.
     */
    public static Map<String, List<RuleFile>> fromConfigMap(String name, Map<String, String> data, RulePackages packages) {
        Map<String, List<RuleFile>> out = new LinkedHashMap<>();
        data.forEach((file, text) -> {
            if (file.endsWith(".rego") && !file.endsWith("_test.rego")) {
                RuleFile f = new RuleFile("configmap " + name, file, text == null ? "" : text);
                out.computeIfAbsent(packageOf(f, packages), k -> new ArrayList<>()).add(f);
            }
        });
        return out;
    }

    /** The {@code .rego} sources of an OPA bundle ({@code opa build} output, .tar.gz), by package. */
    public static Map<String, List<RuleFile>> fromBundle(String name, byte[] tarGz, RulePackages packages) {
        Map<String, List<RuleFile>> out = new LinkedHashMap<>();
        Map<String, byte[]> files;
        try {
            // streamed under the bundle limits (entries, bytes per file, bytes in all): a bundle bomb stops early
            files = io.hoist.policy.engine.Bundle.files(tarGz, path -> {
                String file = path.substring(path.lastIndexOf('/') + 1);
                return file.endsWith(".rego") && !file.endsWith("_test.rego");
            }, "bundle " + name);
        } catch (IllegalArgumentException e) {
            throw new RuleSetException(e.getMessage(), e);
        }
        files.forEach((path, bytes) -> {
            RuleFile f = new RuleFile("bundle " + name, path.substring(path.lastIndexOf('/') + 1),
                    new String(bytes, StandardCharsets.UTF_8));
            out.computeIfAbsent(packageOf(f, packages), k -> new ArrayList<>()).add(f);
        });
        if (out.isEmpty()) {
            throw new RuleSetException("bundle " + name + ": no .rego files in it (a bundle with only policy.wasm cannot be merged with the default rules)");
        }
        return out;
    }

    /** The rule package (vmware, ovirt...) a file declares; refuses other packages. */
    static String packageOf(RuleFile f, RulePackages packages) {
        String pkg;
        try {
            pkg = String.join(".", Parser.parseModule(f.label(), f.text()).pkg());
        } catch (RegoSyntaxException e) {
            throw new RuleSetException(e.getMessage(), e);
        }
        return packages.byRegoPackage(pkg).orElseThrow(() -> new RuleSetException(f.label() + ": package " + pkg
                + " is not a validation package (io.konveyor.forklift." + String.join("|", packages.names()) + ")"));
    }
}
