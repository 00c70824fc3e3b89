package io.hoist.core.model.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Unknown fields are found and pruned like the API server does; every field of the shipped examples is known. */
class UnknownFieldsTest {
    static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void typosAndBogusFieldsArePrunedKnownOnesKept() throws Exception {
        ObjectNode plan = (ObjectNode) YAML.readTree("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: p, preserveClusterCpuModel: true, labels: {a: b}}
                spec:
                  preserveClusterCpuModel: true
                  bogus: 1
                  vms: [{name: vm1, typo: x, hooks: [{hook: {name: h}, step: PreHook, extra: 1}]}]
                status: {anything: kept}
                """);
        List<String> unknown = UnknownFields.prune(ResourceKind.PLAN, plan);
        assertThat(unknown).containsExactlyInAnyOrder("spec.bogus", "spec.vms[0].typo", "spec.vms[0].hooks[0].extra",
                "metadata.preserveClusterCpuModel");
        assertThat(plan.at("/spec/preserveClusterCpuModel").asBoolean()).isTrue();
        assertThat(plan.at("/metadata/labels/a").asText()).isEqualTo("b");
        assertThat(plan.at("/spec").has("bogus")).isFalse();
        assertThat(plan.at("/status/anything").asText()).isEqualTo("kept");

        ObjectNode secret = (ObjectNode) YAML.readTree("{kind: Secret, metadata: {name: s}, stringData: {a: b}, strinData: {c: d}}");
        assertThat(UnknownFields.prune(ResourceKind.SECRET, secret)).containsExactly("strinData");
        ObjectNode controller = (ObjectNode) YAML.readTree("{kind: ForkliftController, metadata: {name: f}, spec: {anything: 1}}");
        assertThat(UnknownFields.prune(ResourceKind.FORKLIFT_CONTROLLER, controller)).isEmpty();
    }

    @Test
    void theShippedExamplesHaveNoUnknownFields() throws IOException {
        Path examples = Path.of(System.getProperty("user.dir")).resolve("../../examples").normalize();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(examples)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (JsonNode doc : YAML.readValues(YAML.createParser(f.toFile()), JsonNode.class).readAll()) {
                    if (doc instanceof ObjectNode o) {
                        Resources.kindOf(o).ifPresent(kind -> UnknownFields.prune(kind, o)
                                .forEach(u -> found.add(examples.relativize(f) + ": " + u)));
                    }
                }
            }
        }
        assertThat(found).isEmpty();
    }
}
