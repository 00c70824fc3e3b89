package io.hoist.core.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes manifests: multi-document YAML ({@code ---}) or JSON (an object, an array of objects,
 * or a {@code kind: List}), as {@code kubectl apply -f} accepts. Duplicate keys are refused, as the
 * Kubernetes YAML decoder does. Errors name the source, line and column.
 *
 * <p>Hostile input is bounded: a document larger than {@link #MAX_DOCUMENT_BYTES} (what the server accepts in
 * one request) is refused before parsing, because SnakeYAML scans a long scalar in quadratic time; YAML aliases
 * are refused ({@link YamlAliases}); nesting is limited to {@link #MAX_NESTING} levels.
 */
public final class Manifests {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** Bytes of one document (between {@code ---} lines); the server's request body limit. */
    public static final int MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
    /** Levels of nesting in one document: deep enough for any real manifest. */
    public static final int MAX_NESTING = 100;
    private static final YAMLMapper YAML_READER = YAMLMapper.builder(YAMLFactory.builder()
                    .loaderOptions(loaderOptions())
                    // YAMLMapper.builder() enables this; a factory built by hand does not
                    .enable(com.fasterxml.jackson.dataformat.yaml.YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static org.yaml.snakeyaml.LoaderOptions loaderOptions() {
        org.yaml.snakeyaml.LoaderOptions o = new org.yaml.snakeyaml.LoaderOptions();
        o.setNestingDepthLimit(MAX_NESTING);
        o.setCodePointLimit(Integer.MAX_VALUE); // documents are size-checked one by one before parsing
        return o;
    }
    private static final YAMLMapper YAML_WRITER = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .build();

    private Manifests() {
    }

    /** Every object in {@code text}; {@code source} names the input in errors (a file name or "stdin"). */
    public static List<ObjectNode> parse(String text, String source) {
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                return parseJson(text, source);
            } catch (ManifestException jsonError) {
                // YAML flow style ({a: 1}) also starts with a brace; JSON is a subset of YAML
                try {
                    return parseYaml(text, source);
                } catch (ManifestException yamlError) {
                    throw jsonError;
                }
            }
        }
        return parseYaml(text, source);
    }

    private static List<ObjectNode> parseJson(String text, String source) {
        List<ObjectNode> out = new ArrayList<>();
        try {
            JsonNode root = JSON.readTree(text);
            if (root instanceof ArrayNode arr) {
                for (int i = 0; i < arr.size(); i++) {
                    addObject(out, arr.get(i), source, "item " + i);
                }
            } else {
                addObject(out, root, source, "document");
            }
        } catch (JsonProcessingException e) {
            throw located(source, e);
        }
        return out;
    }

    private static List<ObjectNode> parseYaml(String text, String source) {
        checkDocumentSizes(text, source);
        List<ObjectNode> out = new ArrayList<>();
        try {
            JsonParser parser = YamlAliases.refusing(YAML_READER.getFactory().createParser(text));
            MappingIterator<JsonNode> docs = YAML_READER.readValues(parser, JsonNode.class);
            int index = 0;
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                index++;
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue; // an empty document between --- markers, as kubectl ignores
                }
                addObject(out, doc, source, "document " + index);
            }
        } catch (JsonProcessingException e) {
            throw located(source, e);
        } catch (ManifestException e) {
            throw e;
        } catch (RuntimeException e) {
            // MappingIterator wraps parse errors in RuntimeJsonMappingException
            if (e.getCause() instanceof JsonProcessingException jpe) {
                throw located(source, jpe);
            }
            throw new ManifestException(source, 0, 0, String.valueOf(e.getMessage()), e);
        } catch (IOException e) {
            throw new ManifestException(source, 0, 0, e.getMessage(), e);
        }
        return out;
    }

    /**
     * Refuses a document over {@link #MAX_DOCUMENT_BYTES} before any parsing. Documents are split at lines
     * starting with {@code ---}, which is where YAML starts a document (a JSON input is one document).
     */
    static void checkDocumentSizes(String text, String source) {
        int index = 1;
        int start = 0;
        int line = 1;
        int startLine = 1;
        for (int i = 0; i <= text.length(); i++) {
            boolean end = i == text.length();
            if (!end && text.charAt(i) == '\n') {
                line++;
            }
            if (end || (text.charAt(i) == '\n' && text.startsWith("---", i + 1))) {
                long bytes = utf8Length(text, start, i);
                if (bytes > MAX_DOCUMENT_BYTES) {
                    throw new ManifestException(source, startLine, 1, "document " + index + " is " + bytes
                            + " bytes, more than the limit of " + MAX_DOCUMENT_BYTES + " bytes (2 MiB) for one object", null);
                }
                index++;
                start = i + 1;
                startLine = line;
            }
        }
    }

    private static long utf8Length(String s, int from, int to) {
        if ((long) (to - from) * 3 <= MAX_DOCUMENT_BYTES) {
            return to - from; // cannot be over the limit: skip counting
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    private static ManifestException located(String source, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        int column = loc == null ? 0 : loc.getColumnNr();
        String problem = e.getOriginalMessage();
        // snakeyaml messages repeat the position in several lines; the first line says what is wrong
        int nl = problem == null ? -1 : problem.indexOf('\n');
        if (nl > 0) {
            problem = problem.substring(0, nl).trim();
        }
        return new ManifestException(source, Math.max(line, 0), Math.max(column, 0), problem, e);
    }

    public static List<ObjectNode> parse(String text) {
        return parse(text, "input");
    }

    /** Parses a file; errors name the file. */
    public static List<ObjectNode> read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Exactly one object; errors when the input holds none or several. */
    public static ObjectNode parseOne(String text, String source) {
        List<ObjectNode> all = parse(text, source);
        if (all.size() != 1) {
            throw new ManifestException(source, 0, 0, "expected exactly one object, found " + all.size(), null);
        }
        return all.get(0);
    }

    /** One object as YAML (no leading {@code ---}). */
    public static String toYaml(JsonNode node) {
        try {
            return YAML_WRITER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Several objects as one multi-document YAML stream. */
    public static String toYaml(List<? extends JsonNode> nodes) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : nodes) {
            sb.append("---\n").append(toYaml(n));
        }
        return sb.toString();
    }

    /** Compact JSON. */
    public static String toJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes fields whose value is null, recursively, as the Kubernetes API server prunes them. */
    public static <T extends JsonNode> T dropNulls(T node) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) {
                    it.remove();
                } else {
                    dropNulls(e.getValue());
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(Manifests::dropNulls);
        }
        return node;
    }

    private static void addObject(List<ObjectNode> out, JsonNode doc, String source, String what) {
        if (!(doc instanceof ObjectNode o)) {
            throw new ManifestException(source, 0, 0, what + " is not an object (found " + doc.getNodeType()
                    .toString().toLowerCase() + ")", null);
        }
        // kubectl's "kind: List" (and FooList): apply each item
        String kind = o.path("kind").asText("");
        if (kind.endsWith("List") && o.get("items") instanceof ArrayNode items) {
            for (int i = 0; i < items.size(); i++) {
                addObject(out, items.get(i), source, what + " item " + i);
            }
            return;
        }
        out.add(o);
    }
}
