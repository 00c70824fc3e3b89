package io.hoist.plugin.openstack.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.HoistException;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.plugin.openstack.client.KeystoneSession;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Collects one provider's inventory under MTV's routes ({@code regions, projects, images, flavors, vms, volumes,
 * volumetypes, snapshots, networks, subnets} and {@code workloads}) and keeps it fresh. A refresh asks Nova
 * for the servers changed since the last one ({@code changes-since}, deleted ones included) and re-reads the
 * smaller collections; only documents that changed are published again, and the workloads of servers whose
 * image, flavor, volumes or ports changed.
 */
public final class InventoryCollector {
    private final KeystoneSession session;
    private final System.Logger log;
    /** Last published document per collection and id: a refresh republishes only what differs. */
    private final Map<String, Map<String, Object>> published = new HashMap<>();
    private final Map<String, JsonNode> servers = new LinkedHashMap<>();
    private final Map<String, JsonNode> flavorSpecs = new HashMap<>();
    private final Map<String, Map<String, Object>> workloads = new HashMap<>();
    private Instant lastServerPoll;

    public InventoryCollector(KeystoneSession session, System.Logger log) {
        this.session = session;
        this.log = log;
    }

    /** A full collection: every collection and workload, then the provider's revision moves. */
    public synchronized void collect(InventoryPublisher publisher) {
        publisher.beginCollection();
        try {
            published.clear();
            servers.clear();
            workloads.clear();
            Instant started = Instant.now();
            for (JsonNode s : list("compute", "/servers/detail", "servers")) {
                servers.put(s.path("id").asText(), s);
            }
            lastServerPoll = started;
            refreshOthers(publisher, true);
            publisher.endCollection();
        } catch (RuntimeException e) {
            publisher.fail(e.getMessage());
            throw e;
        }
    }

    /** An incremental refresh: servers changed since the last poll, everything else re-read and compared. */
    public synchronized void refresh(InventoryPublisher publisher) {
        Instant started = Instant.now();
        // a second of overlap: Nova compares updated_at at second resolution
        String since = lastServerPoll.minusSeconds(1).truncatedTo(ChronoUnit.SECONDS).toString();
        for (JsonNode s : list("compute", "/servers/detail?changes-since=" + URLEncoder.encode(since, StandardCharsets.UTF_8), "servers")) {
            String id = s.path("id").asText();
            if ("DELETED".equals(s.path("status").asText())) {
                servers.remove(id);
            } else {
                servers.put(id, s);
            }
        }
        lastServerPoll = started;
        refreshOthers(publisher, false);
    }

    private void refreshOthers(InventoryPublisher publisher, boolean full) {
        Map<String, Map<String, Object>> images = new LinkedHashMap<>();
        for (JsonNode i : list("image", "/v2/images?limit=1000", "images")) {
            images.put(i.path("id").asText(), Documents.image(i));
        }
        Map<String, Map<String, Object>> flavors = new LinkedHashMap<>();
        for (JsonNode f : list("compute", "/flavors/detail?is_public=None", "flavors")) {
            String id = f.path("id").asText();
            JsonNode specs = f.has("extra_specs") ? f.get("extra_specs") : flavorSpecs.computeIfAbsent(id,
                    k -> session.json("compute", "/flavors/" + k + "/os-extra_specs").path("extra_specs"));
            flavors.put(id, Documents.flavor(f, specs));
        }
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        for (JsonNode v : list("volumev3", "/volumes/detail", "volumes")) {
            volumes.put(v.path("id").asText(), Documents.volume(v));
        }
        Map<String, Map<String, Object>> ports = new LinkedHashMap<>();
        for (JsonNode p : list("network", "/v2.0/ports", "ports")) {
            ports.put(p.path("id").asText(), Documents.camel(p));
        }
        Map<String, Map<String, Object>> vms = new LinkedHashMap<>();
        for (JsonNode s : servers.values()) {
            vms.put(s.path("id").asText(), Documents.vm(s));
        }
        sync(publisher, "vms", vms);
        sync(publisher, "images", images);
        sync(publisher, "flavors", flavors);
        sync(publisher, "volumes", volumes);
        sync(publisher, "volumetypes", byId(list("volumev3", "/types", "volume_types")));
        sync(publisher, "snapshots", byId(list("volumev3", "/snapshots/detail", "snapshots")));
        sync(publisher, "networks", byId(list("network", "/v2.0/networks", "networks")));
        sync(publisher, "subnets", byId(list("network", "/v2.0/subnets", "subnets")));
        sync(publisher, "ports", ports);
        if (full) {
            sync(publisher, "regions", byId(optional("identity", "/regions", "regions")));
            sync(publisher, "projects", byId(projects()));
        }
        Set<String> gone = new HashSet<>(workloads.keySet());
        for (JsonNode s : servers.values()) {
            String id = s.path("id").asText();
            gone.remove(id);
            Map<String, Object> w = workload(s, images, flavors, volumes, ports);
            if (!w.equals(workloads.get(id))) {
                workloads.put(id, w);
                publisher.putWorkload(id, w);
            }
        }
        gone.forEach(workloads::remove);
    }

    private Map<String, Object> workload(JsonNode s, Map<String, Map<String, Object>> images,
                                         Map<String, Map<String, Object>> flavors, Map<String, Map<String, Object>> volumes,
                                         Map<String, Map<String, Object>> ports) {
        List<Map<String, Object>> vols = new ArrayList<>();
        for (JsonNode a : s.path("os-extended-volumes:volumes_attached")) {
            Map<String, Object> v = volumes.get(a.path("id").asText());
            vols.add(v != null ? v : Map.of("id", a.path("id").asText(), "status", "missing"));
        }
        Map<String, Object> image = null;
        String imageId = s.path("image").isObject() ? s.path("image").path("id").asText(null) : null;
        if (imageId != null) {
            image = images.get(imageId);
        } else {
            image = bootVolumeImage(vols); // volume-backed: the boot volume carries the image's properties
        }
        Map<String, Object> flavor = embeddedFlavor(s.path("flavor"));
        List<Map<String, Object>> nics = ports.values().stream()
                .filter(p -> s.path("id").asText().equals(p.get("deviceID"))).toList();
        return Documents.workload(s, image, flavor, vols, nics);
    }

    /** The flavor as the server carries it (microversion 2.47+: survives the flavor's deletion). */
    static Map<String, Object> embeddedFlavor(JsonNode f) {
        Map<String, Object> doc = Documents.flavor(f, f.path("extra_specs").isMissingNode() ? null : f.get("extra_specs"));
        if (f.has("original_name")) {
            doc.put("name", f.get("original_name").asText());
        }
        return doc;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> bootVolumeImage(List<Map<String, Object>> vols) {
        for (Map<String, Object> v : vols) {
            if ("true".equals(String.valueOf(v.get("bootable"))) && v.get("volumeImageMetadata") instanceof Map<?, ?> m) {
                Map<String, Object> img = new LinkedHashMap<>();
                img.put("id", m.get("image_id"));
                img.put("name", m.get("image_name"));
                img.put("properties", m);
                return img;
            }
        }
        return null;
    }

    private List<JsonNode> projects() {
        try {
            return list("identity", "/projects", "projects");
        } catch (HoistException e) {
            // not an admin: the token's own project is all this user sees
            if (e.type() != HoistException.Type.AUTH) {
                throw e;
            }
            JsonNode p = session.json("identity", "/projects/" + session.projectId());
            return p == null ? List.of() : List.of(p.path("project"));
        }
    }

    private List<JsonNode> optional(String service, String path, String key) {
        try {
            return list(service, path, key);
        } catch (HoistException e) {
            log.log(System.Logger.Level.INFO, "inventory: " + path + " not readable: " + e.getMessage());
            return List.of();
        }
    }

    private static Map<String, Map<String, Object>> byId(List<JsonNode> items) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (JsonNode n : items) {
            out.put(n.path("id").asText(), Documents.camel(n));
        }
        return out;
    }

    /** Publishes what changed in one collection and removes what is gone. */
    private void sync(InventoryPublisher publisher, String collection, Map<String, Map<String, Object>> now) {
        Map<String, Object> before = published.computeIfAbsent(collection, k -> new HashMap<>());
        for (Map.Entry<String, Map<String, Object>> e : now.entrySet()) {
            if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
                Object name = e.getValue().get("name");
                publisher.put(collection, e.getKey(), name == null ? e.getKey() : name.toString(), e.getValue());
                before.put(e.getKey(), e.getValue());
            }
        }
        for (String id : new ArrayList<>(before.keySet())) {
            if (!now.containsKey(id)) {
                publisher.remove(collection, id);
                before.remove(id);
            }
        }
    }

    /** Every item of a list call, following the APIs' {@code next} links (Nova, Cinder, Glance, Neutron). */
    private List<JsonNode> list(String service, String path, String key) {
        List<JsonNode> out = new ArrayList<>();
        String next = path;
        for (int page = 0; next != null && page < 1000; page++) {
            JsonNode r = session.json(service, next);
            if (r == null) {
                break;
            }
            r.path(key).forEach(out::add);
            next = nextPage(r, service);
        }
        return out;
    }

    private String nextPage(JsonNode r, String service) {
        if (r.has("next") && r.get("next").isTextual()) { // Glance: a path
            return r.get("next").asText().replaceFirst("^/?(v2/)?", "/v2/");
        }
        for (JsonNode links : List.of(r.path("servers_links"), r.path("volumes_links"), r.path("snapshots_links"),
                r.path("ports_links"), r.path("networks_links"), r.path("flavors_links"))) {
            for (JsonNode l : links) {
                if ("next".equals(l.path("rel").asText())) {
                    String href = l.path("href").asText();
                    String base = session.endpoint(service).toString();
                    int at = href.indexOf(base.replaceFirst("^https?://[^/]+", ""));
                    return at >= 0 ? href.substring(at + base.replaceFirst("^https?://[^/]+", "").length()) : null;
                }
            }
        }
        return null;
    }
}
