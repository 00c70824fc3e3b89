package io.hoist.core.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.model.schema.CrdSchemas;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every manifest in examples/ parses, passes MTV's CRD schemas and Hoist's admission, round-trips through
 * the typed model, and each source type's set is complete and self-consistent (every reference resolves).
 */
class ExamplesTest {
    static final Path EXAMPLES = locate();
    static final List<String> SOURCE_TYPES = List.of("vsphere", "ovirt", "openstack", "ova", "openshift");

    static Path locate() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.exists(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("platform-core"))) {
                return p.resolve("examples");
            }
        }
        throw new IllegalStateException("examples/ not found above " + Path.of("").toAbsolutePath());
    }

    static Map<Path, List<ObjectNode>> load(Path dir) throws IOException {
        Map<Path, List<ObjectNode>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                out.put(f, Manifests.read(f));
            }
        }
        return out;
    }

    @Test
    void everyExampleIsAdmittedAndRoundTrips() throws IOException {
        MtvAdmission admission = new MtvAdmission();
        Map<Path, List<ObjectNode>> all = load(EXAMPLES);
        assertThat(all).hasSizeGreaterThanOrEqualTo(SOURCE_TYPES.size() * 6);
        int objects = 0;
        for (Map.Entry<Path, List<ObjectNode>> e : all.entrySet()) {
            assertThat(e.getValue()).as(e.getKey().toString()).isNotEmpty();
            for (ObjectNode o : e.getValue()) {
                String where = e.getKey() + " " + o.path("kind").asText() + "/" + o.at("/metadata/name").asText();
                ResourceKind kind = ResourceKind.byKind(o.path("kind").asText()).orElseThrow(
                        () -> new AssertionError(where + ": unknown kind"));
                assertThat(o.path("apiVersion").asText()).as(where).isEqualTo(kind.apiVersion());
                assertThat(CrdSchemas.validate(kind, o)).as(where).isEmpty();
                admission.admit(kind, o, null);
                assertThat(Resources.toNode(Resources.toTyped(o, Resources.typeOf(kind)))).as(where).isEqualTo(o);
                assertThat(Manifests.parseOne(Manifests.toYaml(o), where)).as(where).isEqualTo(o);
                objects++;
            }
        }
        assertThat(objects).isGreaterThan(40);
    }

    @Test
    void eachSourceTypeHasACompleteConsistentSet() throws IOException {
        for (String type : SOURCE_TYPES) {
            List<ObjectNode> set = new ArrayList<>();
            load(EXAMPLES.resolve(type)).values().forEach(set::addAll);
            Map<String, Set<String>> names = new TreeMap<>();
            for (ObjectNode o : set) {
                names.computeIfAbsent(o.path("kind").asText(), k -> new java.util.TreeSet<>())
                        .add(o.at("/metadata/name").asText());
            }
            assertThat(names.keySet()).as(type).contains("Secret", "Provider", "NetworkMap", "StorageMap", "Plan",
                    "Migration", "Hook");
            assertThat(names.get("Provider")).as(type).hasSize(2);
            assertThat(set.stream().filter(o -> o.path("kind").asText().equals("Provider"))
                    .anyMatch(o -> o.at("/spec/type").asText().equals(type))).as(type + " source provider").isTrue();
            for (ObjectNode o : set) {
                String kind = o.path("kind").asText();
                String where = type + " " + kind + "/" + o.at("/metadata/name").asText();
                if (kind.equals("Plan")) {
                    assertThat(names.get("Provider")).as(where).contains(o.at("/spec/provider/source/name").asText(),
                            o.at("/spec/provider/destination/name").asText());
                    assertThat(names.get("NetworkMap")).as(where).contains(o.at("/spec/map/network/name").asText());
                    assertThat(names.get("StorageMap")).as(where).contains(o.at("/spec/map/storage/name").asText());
                    o.at("/spec/vms").forEach(vm -> vm.path("hooks").forEach(h ->
                            assertThat(names.get("Hook")).as(where).contains(h.at("/hook/name").asText())));
                }
                if (kind.equals("NetworkMap") || kind.equals("StorageMap")) {
                    assertThat(names.get("Provider")).as(where).contains(o.at("/spec/provider/source/name").asText(),
                            o.at("/spec/provider/destination/name").asText());
                }
                if (kind.equals("Migration")) {
                    assertThat(names.get("Plan")).as(where).contains(o.at("/spec/plan/name").asText());
                }
                if (kind.equals("Provider") && o.at("/spec/secret/name").isTextual()) {
                    assertThat(names.get("Secret")).as(where).contains(o.at("/spec/secret/name").asText());
                }
                if (kind.equals("Host")) {
                    assertThat(names.get("Secret")).as(where).contains(o.at("/spec/secret/name").asText());
                    assertThat(names.get("Provider")).as(where).contains(o.at("/spec/provider/name").asText());
                }
            }
        }
    }
}
