package io.hoist.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ManifestException;
import io.hoist.core.model.Manifests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads {@code -f FILE|DIR|-}: multi-document YAML (JSON is YAML too), a directory's {@code .yaml},
 * {@code .yml} and {@code .json} files in name order, or standard input. Parsing is the model's
 * {@link Manifests} (kubectl's rules: {@code kind: List} expanded, duplicate keys refused).
 */
public final class ManifestReader {
    private ManifestReader() {}

    public static List<Manifest> read(String location, InputStream stdin) {
        if (location.equals("-")) {
            try {
                return parse("<stdin>", new String(stdin.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CliException("cannot read standard input: " + e.getMessage());
            }
        }
        Path path = Path.of(location);
        if (Files.isDirectory(path)) {
            List<Manifest> out = new ArrayList<>();
            try (Stream<Path> files = Files.list(path)) {
                for (Path f : files.filter(ManifestReader::isManifest).sorted().toList()) {
                    out.addAll(readFile(f));
                }
            } catch (IOException e) {
                throw new CliException("cannot list " + path + ": " + e.getMessage());
            }
            if (out.isEmpty()) {
                throw new CliException(path + " holds no .yaml, .yml or .json manifests");
            }
            return out;
        }
        if (!Files.isRegularFile(path)) {
            throw new CliException("-f: " + location + " does not exist");
        }
        return readFile(path);
    }

    private static boolean isManifest(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
    }

    private static List<Manifest> readFile(Path file) {
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static List<Manifest> parse(String source, String text) {
        List<ObjectNode> objects;
        try {
            objects = Manifests.parse(text, source);
        } catch (ManifestException e) {
            throw new CliException("invalid manifest: " + e.getMessage());
        }
        List<Manifest> out = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            out.add(new Manifest(source + " (object " + (i + 1) + ")", objects.get(i)));
        }
        return out;
    }
}
