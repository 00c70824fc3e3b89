package io.hoist.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
 * {@code .yml} and {@code .json} files in name order, or standard input. {@code kind: List} is expanded.
 */
public final class ManifestReader {
    private static final YAMLMapper YAML = new YAMLMapper();

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

    /** The parser's message without its indented source excerpts and position lines. */
    private static String oneLine(String message) {
        return message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    static List<Manifest> parse(String source, String text) {
        List<Manifest> out = new ArrayList<>();
        int doc = 0;
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                JsonNode node = it.nextValue();
                doc++;
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                String where = source + " (document " + doc + ")";
                if (!(node instanceof ObjectNode obj)) {
                    throw new CliException(where + ": not a mapping with apiVersion, kind and metadata");
                }
                if ("List".equals(obj.path("kind").asText()) && obj.path("items").isArray()) {
                    int i = 0;
                    for (JsonNode item : obj.path("items")) {
                        if (!(item instanceof ObjectNode itemObj)) {
                            throw new CliException(where + ": items[" + i + "] is not a mapping");
                        }
                        out.add(new Manifest(where + " items[" + i++ + "]", itemObj));
                    }
                } else {
                    out.add(new Manifest(where, obj));
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new CliException(source + (loc == null ? "" : " line " + loc.getLineNr()) + ": invalid YAML: "
                    + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new CliException("cannot read " + source + ": " + e.getMessage());
        }
        return out;
    }
}
