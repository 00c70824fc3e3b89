package io.hoist.plugin.openstack.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** API JSON to MTV's field names. */
class DocumentsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keysBecomeMtvCamelCase() {
        assertThat(Documents.camelKey("tenant_id")).isEqualTo("tenantID");
        assertThat(Documents.camelKey("OS-EXT-SRV-ATTR:host")).isEqualTo("host");
        assertThat(Documents.camelKey("os-extended-volumes:volumes_attached")).isEqualTo("volumesAttached");
        assertThat(Documents.camelKey("multiattach")).isEqualTo("multiattach");
    }

    @Test
    void imagePropertiesAreEverythingGlanceDoesNotDefine() throws Exception {
        Map<String, Object> img = Documents.image(JSON.readTree("""
                {"id":"i","name":"n","status":"active","size":4,"disk_format":"raw","hw_disk_bus":"scsi","os_type":"linux"}"""));
        assertThat(img).containsEntry("diskFormat", "raw").containsEntry("size", 4);
        assertThat(img.get("properties")).isEqualTo(Map.of("hw_disk_bus", "scsi", "os_type", "linux"));
    }

    @Test
    void aServersEmbeddedFlavorKeepsItsExtraSpecsAndOriginalName() throws Exception {
        Map<String, Object> f = InventoryCollector.embeddedFlavor(JSON.readTree("""
                {"vcpus":2,"ram":2048,"disk":0,"original_name":"m1","extra_specs":{"hw:cpu_cores":"2"}}"""));
        assertThat(f).containsEntry("name", "m1").containsEntry("vcpus", 2);
        assertThat(f.get("extraSpecs")).isEqualTo(Map.of("hw:cpu_cores", "2"));
    }
}
