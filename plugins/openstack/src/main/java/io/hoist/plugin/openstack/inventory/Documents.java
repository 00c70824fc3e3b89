package io.hoist.plugin.openstack.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inventory documents in MTV's OpenStack field names (camelCase, as MTV's inventory serves them), made from
 * the APIs' own JSON. The workload embeds what the {@code io.konveyor.forklift.openstack} rules read: the
 * server's {@code status} and {@code addresses}, its {@code image} with {@code properties}, its {@code flavor}
 * with {@code extraSpecs}, and its {@code volumes}.
 */
public final class Documents {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Glance image fields that are not properties: everything else at the top level is one. */
    private static final Set<String> IMAGE_FIELDS = Set.of("id", "name", "status", "visibility", "protected", "checksum",
            "owner", "size", "min_ram", "min_disk", "disk_format", "container_format", "created_at", "updated_at",
            "tags", "self", "file", "schema", "virtual_size", "os_hash_algo", "os_hash_value", "os_hidden", "locations",
            "direct_url", "stores");

    private Documents() {}

    /** snake_case and OS-EXT-* keys of an API object as MTV's camelCase (recursively for nested objects). */
    public static Map<String, Object> camel(JsonNode n) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(camelKey(e.getKey()), plain(e.getValue()));
        }
        return out;
    }

    static String camelKey(String k) {
        String base = k.contains(":") ? k.substring(k.indexOf(':') + 1) : k;
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : base.toCharArray()) {
            if (c == '_' || c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        String s = b.toString();
        return s.endsWith("Id") ? s.substring(0, s.length() - 2) + "ID" : s;
    }

    /** A JSON value as plain Java (maps keep the API's keys: metadata and extra specs are user data). */
    public static Object plain(JsonNode v) {
        return v == null || v.isNull() ? null : JSON.convertValue(v, Object.class);
    }

    /** A Glance image: its fields in camelCase plus {@code properties} (every other top-level key). */
    public static Map<String, Object> image(JsonNode img) {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> props = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = img.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (IMAGE_FIELDS.contains(e.getKey())) {
                doc.put(camelKey(e.getKey()), plain(e.getValue()));
            } else {
                props.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : plain(e.getValue()));
            }
        }
        doc.put("properties", props);
        return doc;
    }

    /** A Cinder volume with its {@code volume_image_metadata} kept under its API name and as imageMetadata. */
    public static Map<String, Object> volume(JsonNode v) {
        Map<String, Object> doc = camel(v);
        if (v.has("volume_image_metadata")) {
            doc.put("volumeImageMetadata", plain(v.get("volume_image_metadata")));
        }
        return doc;
    }

    /** A Nova flavor; {@code extraSpecs} from its os-extra_specs (or the server's embedded copy). */
    public static Map<String, Object> flavor(JsonNode f, JsonNode extraSpecs) {
        Map<String, Object> doc = camel(f);
        doc.remove("extraSpecs");
        Object specs = plain(extraSpecs);
        doc.put("extraSpecs", specs == null ? Map.of() : specs);
        return doc;
    }

    /**
     * A server's workload document: the server (camelCase, {@code addresses} as the API serves them) with its
     * image, flavor and attached volumes embedded.
     */
    public static Map<String, Object> workload(JsonNode server, Map<String, Object> image, Map<String, Object> flavor,
                                               List<Map<String, Object>> volumes, List<Map<String, Object>> ports) {
        Map<String, Object> w = vm(server);
        w.put("image", image == null ? Map.of("properties", Map.of()) : image);
        w.put("flavor", flavor == null ? Map.of("extraSpecs", Map.of()) : flavor);
        w.put("volumes", volumes);
        w.put("ports", ports);
        return w;
    }

    /** A server as the {@code vms} collection serves it. */
    public static Map<String, Object> vm(JsonNode server) {
        Map<String, Object> doc = camel(server);
        doc.put("addresses", plain(server.path("addresses"))); // keys such as OS-EXT-IPS:type stay as served
        doc.put("metadata", plain(server.path("metadata")));
        List<String> attached = new ArrayList<>();
        for (JsonNode a : server.path("os-extended-volumes:volumes_attached")) {
            attached.add(a.path("id").asText());
        }
        doc.put("attachedVolumes", attached.stream().map(id -> Map.of("ID", id)).toList());
        doc.put("imageID", server.path("image").isObject() ? server.path("image").path("id").asText(null) : null);
        return doc;
    }
}
