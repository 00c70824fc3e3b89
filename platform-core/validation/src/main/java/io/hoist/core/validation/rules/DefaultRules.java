package io.hoist.core.validation.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Rule packages found on the class path under {@code rules/<package>/} (tests left out): hoist-policies carries
 * those of providers whose plugin ships none; tests that run without plugin jars see the built-in plugins' own
 * packages through test-scoped dependencies on the plugin modules.
 */
public final class DefaultRules {
    private DefaultRules() {}

    /**
     * The package folders under {@code rules/} (those holding a validate.rego) in every class path root: hoist-policies'
     * own (providers whose plugin ships none) and, on a test class path, the built-in plugin modules' rules.
     */
    public static List<String> packages() {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        try {
            List<Path> roots = new ArrayList<>();
            for (URL root : java.util.Collections.list(DefaultRules.class.getClassLoader().getResources("rules"))) {
                roots.add(folder(root.toURI()));
            }
            // a jar without directory entries still has hoist-policies' README beside its packages
            URL readme = DefaultRules.class.getClassLoader().getResource("rules/README.md");
            if (readme != null) {
                roots.add(folder(readme.toURI()).getParent());
            }
            for (Path dir : roots) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> Files.isRegularFile(p.resolve("validate.rego")))
                            .map(p -> p.getFileName().toString().replace("/", "")).forEach(out::add);
                }
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(out);
    }

    /** The path a resource URL names, inside its jar (a zip file system opened once) or on disk. */
    private static Path folder(URI uri) throws IOException {
        if ("jar".equals(uri.getScheme())) {
            FileSystem fs;
            try {
                fs = FileSystems.getFileSystem(uri);
            } catch (FileSystemNotFoundException e) {
                fs = FileSystems.newFileSystem(uri, Map.of());
            }
            return fs.provider().getPath(uri);
        }
        return Path.of(uri);
    }

    public static List<RuleFile> load(String pkg) {
        URL url = DefaultRules.class.getClassLoader().getResource("rules/" + pkg + "/validate.rego");
        if (url == null) {
            throw new IllegalStateException("default rules for '" + pkg + "' are missing from the classpath (hoist-policies)");
        }
        try {
            return read(folder(url.toURI()).getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<RuleFile> read(Path dir) throws IOException {
        List<RuleFile> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".rego") && !name.endsWith("_test.rego")) {
                    out.add(new RuleFile("default", name, Files.readString(p, StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }
}
