package io.hoist.plugin.hooks.mtv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** plan.yml and workload.yml have the keys MTV's yaml.v2 gives playbooks (the seed's example uses them). */
class MtvHookFilesTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void vsphereWorkloadNestsEmbeddedStructsAndLowerCasesKeys() throws Exception {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("id", "host-21");
        host.put("name", "esx1");
        host.put("inMaintenance", false);
        host.put("cluster", Map.of("id", "domain-c7", "name", "cluster1", "datacenter", Map.of("id", "datacenter-1")));
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("id", "vm-42");
        w.put("name", "db-01");
        w.put("parent", Map.of("kind", "Folder", "id", "group-v3"));
        w.put("selfLink", "providers/vsphere/u/workloads/vm-42");
        w.put("powerState", "poweredOn");
        w.put("ipAddress", "10.0.0.5");
        w.put("guestNetworks", List.of(Map.of("mac", "00:50:56:aa:bb:cc", "ip", "10.0.0.5", "deviceConfigId", 4000)));
        w.put("nics", List.of(Map.of("mac", "00:50:56:aa:bb:cc", "network", Map.of("id", "network-1"))));
        w.put("host", host);
        JsonNode y = YAML.readTree(MtvHookFiles.of("", Map.of(), "vsphere", w).workload());
        assertThat(y.at("/vm/vm1/vm0/id").asText()).isEqualTo("vm-42");
        assertThat(y.at("/vm/vm1/vm0/name").asText()).isEqualTo("db-01");
        assertThat(y.at("/vm/vm1/vm0/parent/kind").asText()).isEqualTo("Folder");
        assertThat(y.at("/vm/vm1/powerstate").asText()).isEqualTo("poweredOn");
        assertThat(y.at("/vm/ipaddress").asText()).isEqualTo("10.0.0.5");
        assertThat(y.at("/vm/guestnetworks/0/deviceconfigid").asInt()).isEqualTo(4000);
        assertThat(y.at("/vm/nics/0/mac").asText()).isEqualTo("00:50:56:aa:bb:cc");
        assertThat(y.at("/selflink").asText()).isEqualTo("providers/vsphere/u/workloads/vm-42");
        assertThat(y.at("/host/host/resource/id").asText()).isEqualTo("host-21");
        assertThat(y.at("/host/host/inmaintenance").asBoolean(true)).isFalse();
        assertThat(y.at("/host/cluster/cluster/resource/name").asText()).isEqualTo("cluster1");
        assertThat(y.at("/host/cluster/datacenter/id").asText()).isEqualTo("datacenter-1");
        assertThat(y.at("/vm/host").isMissingNode()).as("the host object is not repeated under vm").isTrue();
        assertThat(y.at("/vm/id").isMissingNode()).as("declared fields live at their own level only").isTrue();
    }

    @Test
    void planIsTheSpecWithVmRefsNested() throws Exception {
        Map<String, Object> plan = Map.of("metadata", Map.of("name", "p"), "spec", Map.of(
                "targetNamespace", "demo",
                "provider", Map.of("source", Map.of("name", "vcenter", "namespace", "hoist")),
                "vms", List.of(Map.of("id", "vm-42", "name", "db-01", "hooks", List.of(Map.of("step", "PreHook",
                        "hook", Map.of("name", "h", "namespace", "hoist")))))));
        JsonNode y = YAML.readTree(MtvHookFiles.of("", plan, "vsphere", Map.of()).plan());
        assertThat(y.at("/provider/source/name").asText()).isEqualTo("vcenter");
        assertThat(y.at("/targetnamespace").asText()).isEqualTo("demo");
        assertThat(y.at("/vms/0/ref/id").asText()).isEqualTo("vm-42");
        assertThat(y.at("/vms/0/ref/name").asText()).isEqualTo("db-01");
        assertThat(y.at("/vms/0/hooks/0/step").asText()).isEqualTo("PreHook");
        assertThat(y.at("/metadata").isMissingNode()).isTrue();
    }

    @Test
    void macsAndNumbersLikeStringsStayStringsForYaml11Readers() {
        String text = MtvHookFiles.yaml(Map.of("mac", "52:54:00:12:34:56", "version", "10"));
        assertThat(text).contains("\"52:54:00:12:34:56\"").contains("\"10\"");
    }

    @Test
    void aProviderMtvDoesNotHaveKeepsItsDocumentUnderVm() throws Exception {
        JsonNode y = YAML.readTree(MtvHookFiles.of("", Map.of(), "hyperv", Map.of("id", "x", "memoryMB", 512)).workload());
        assertThat(y.at("/vm/id").asText()).isEqualTo("x");
        assertThat(y.at("/vm/memorymb").asInt()).isEqualTo(512);
    }
}
