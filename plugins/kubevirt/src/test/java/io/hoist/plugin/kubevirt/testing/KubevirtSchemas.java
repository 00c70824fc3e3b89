package io.hoist.plugin.kubevirt.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The shared KubeVirt/CDI/Multus JSON schemas ({@code <hoist.shared.dir>/schemas/kubevirt}), chosen by
 * a manifest's apiVersion and kind. The schemas set additionalProperties false, so a misspelt field fails.
 */
public final class KubevirtSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FILES = Map.of(
            "kubevirt.io/v1/VirtualMachine", "kubevirt.io_virtualmachine_v1.json",
            "cdi.kubevirt.io/v1beta1/DataVolume", "cdi.kubevirt.io_datavolume_v1beta1.json",
            "k8s.cni.cncf.io/v1/NetworkAttachmentDefinition", "k8s.cni.cncf.io_networkattachmentdefinition_v1.json",
            "export.kubevirt.io/v1beta1/VirtualMachineExport", "export.kubevirt.io_virtualmachineexport_v1beta1.json");
    private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

    private KubevirtSchemas() {}

    public static Path dir() {
        String shared = System.getProperty("hoist.shared.dir");
        if (shared == null || shared.isBlank()) {
            throw new IllegalStateException("system property hoist.shared.dir is not set; run through Maven (the root pom sets it to <repo>/../shared)");
        }
        Path dir = Path.of(shared, "schemas", "kubevirt");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("KubeVirt JSON schemas not found at " + dir + " (hoist.shared.dir=" + shared + ")");
        }
        return dir;
    }

    /** Validation errors of one manifest (empty when valid); kinds without a schema fail. */
    public static List<String> errors(Map<String, Object> manifest) {
        String key = manifest.get("apiVersion") + "/" + manifest.get("kind");
        String file = FILES.get(key);
        if (file == null) {
            throw new IllegalArgumentException("no shared schema for " + key);
        }
        JsonSchema schema = CACHE.computeIfAbsent(file, f -> {
            try {
                JsonNode node = JSON.readTree(dir().resolve(f).toFile());
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(node);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read schema " + f, e);
            }
        });
        Set<ValidationMessage> messages = schema.validate(JSON.valueToTree(manifest));
        return messages.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.toList());
    }

    public static boolean hasSchema(Map<String, Object> manifest) {
        return FILES.containsKey(manifest.get("apiVersion") + "/" + manifest.get("kind"));
    }
}
