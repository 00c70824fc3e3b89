package io.hoist.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** kubectl's JSONPath templates as {@code -o jsonpath} and {@code custom-columns} use them. */
class JsonPathTest {
    private static final JsonNode PLAN = read("""
            {"metadata": {"name": "web", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}",
                                                        "hoist.io/bandwidth-mibps": "4"}},
             "spec": {"vms": [{"id": "vm-1", "name": "web-01"}, {"id": "vm-2", "name": "web-02"}]},
             "status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "Executing", "status": "False"}]}}
            """);

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String render(String template) {
        return JsonPath.parse(template).render(PLAN);
    }

    @Test
    void fieldsIndexesWildcardsAndText() {
        assertThat(render("{.metadata.name}")).isEqualTo("web");
        assertThat(render("name={.metadata.name} first={.spec.vms[0].id} last={.spec.vms[-1].id}"))
                .isEqualTo("name=web first=vm-1 last=vm-2");
        assertThat(render("{.spec.vms[*].name}")).isEqualTo("web-01 web-02");
        assertThat(render("{$.spec.vms[1]['name']}")).isEqualTo("web-02");
        assertThat(render("{.spec.vms[0]}")).isEqualTo("{\"id\":\"vm-1\",\"name\":\"web-01\"}");
        assertThat(render("{.no.such.field}")).as("missing keys print nothing, as kubectl by default").isEmpty();
    }

    @Test
    void escapedDotsRecursiveDescentAndFilters() {
        assertThat(render("{.metadata.annotations.hoist\\.io/bandwidth-mibps}")).isEqualTo("4");
        assertThat(render("{..name}")).isEqualTo("web web-01 web-02");
        assertThat(render("{.status.conditions[?(@.type==\"Ready\")].status}")).isEqualTo("True");
        assertThat(render("{.status.conditions[?(@.status!='True')].type}")).isEqualTo("Executing");
    }

    @Test
    void rangeLoopsWithLiterals() {
        assertThat(render("{range .spec.vms[*]}{.id}{\"\\t\"}{.name}{\"\\n\"}{end}")).isEqualTo("vm-1\tweb-01\nvm-2\tweb-02\n");
    }

    @Test
    void malformedTemplatesAreNamed() {
        assertThatThrownBy(() -> JsonPath.parse("{.spec.vms[0}")).hasMessageContaining("unclosed '['");
        assertThatThrownBy(() -> JsonPath.parse("{range .spec.vms[*]}{.id}")).hasMessageContaining("{range} without {end}");
        assertThatThrownBy(() -> JsonPath.parse("{end}")).hasMessageContaining("{end} without {range}");
        assertThatThrownBy(() -> JsonPath.parse("{.spec.vms[x]}")).hasMessageContaining("'[x]'");
        assertThatThrownBy(() -> JsonPath.parse("{.metadata.name")).hasMessageContaining("unclosed '{'");
    }
}
