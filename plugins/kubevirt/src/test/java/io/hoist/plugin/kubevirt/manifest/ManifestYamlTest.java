package io.hoist.plugin.kubevirt.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class ManifestYamlTest {
    /**
     * YAML 1.1 readers (PyYAML, SnakeYAML) read an unquoted all-digit MAC such as 52:54:00:12:34:56
     * as a base-60 integer and numbers-as-strings as numbers; the written YAML must keep both strings.
     */
    @Test
    @SuppressWarnings("unchecked")
    void valuesThatLookLikeNumbersStayStringsForYaml11Readers() {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("macAddress", "52:54:00:12:34:56");
        manifest.put("storage", "3221237793");
        manifest.put("flag", "true");
        manifest.put("empty", "");
        manifest.put("list", List.of("on", "no"));
        String yaml = ManifestYaml.toYaml(manifest);
        Map<String, Object> read = new Yaml().load(yaml);
        assertThat(read).containsEntry("macAddress", "52:54:00:12:34:56").containsEntry("storage", "3221237793")
                .containsEntry("flag", "true").containsEntry("empty", "");
        assertThat((List<Object>) read.get("list")).containsExactly("on", "no");
    }

    /** kubectl's style (issue 20 item 7): strings bare unless a YAML 1.1 reader would take them for another type. */
    @Test
    @SuppressWarnings("unchecked")
    void onlyAmbiguousStringsAreQuotedAsKubectlWritesThem() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "VirtualMachine");
        m.put("hexMac", "00:50:56:aa:bb:01");
        m.put("digitMac", "52:54:00:12:34:56");
        m.put("memory", "8Gi");
        m.put("yesWord", "yes");
        m.put("digits", "0755");
        m.put("list", List.of("a", "b"));
        String yaml = ManifestYaml.toYaml(m);
        assertThat(yaml).contains("kind: VirtualMachine\n").contains("hexMac: 00:50:56:aa:bb:01\n")
                .contains("memory: 8Gi\n").contains("list:\n- a\n- b\n")
                .doesNotContain("digitMac: 52:").doesNotContain("yesWord: yes").doesNotContain("digits: 0755");
        Map<String, Object> read = new Yaml().load(yaml);
        assertThat(read).isEqualTo(m);
    }
}
