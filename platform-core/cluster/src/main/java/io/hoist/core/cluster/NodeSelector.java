package io.hoist.core.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.run.RunPlacement.SourceHost;
import java.util.List;
import java.util.Map;

/**
 * The labels a VM's node needs ({@code hoist.io/node-selector: k=v,...}) and who asks for them: the Host resource of
 * the VM's source host when it carries the annotation (a worker next to its ESXi hosts); else the source Provider's
 * annotation for that inventory host, {@code hoist.io/node-selector.<host id>} (a host pinned without a Host resource,
 * which in MTV also makes the transfer go to the ESXi host directly with the Host's credentials); else the Provider's
 * own; no labels when none does.
 *
 * @param pinnedBy {@code Host ns/name} or {@code Provider ns/name}; null when nothing pins
 */
public record NodeSelector(Map<String, String> labels, String pinnedBy) {
    /** The annotation naming the labels, on a Provider or a Host. */
    public static final String ANNOTATION = "hoist.io/node-selector";
    /** A Provider's annotation pinning one inventory host's VMs: this prefix, then the host's id. */
    public static final String HOST_ANNOTATION_PREFIX = ANNOTATION + ".";
    public static final NodeSelector ANY = new NodeSelector(Map.of(), null);

    public NodeSelector {
        labels = Map.copyOf(labels);
    }

    /**
     * The selector for VM {@code vmId} on {@code host} of {@code provider}, whose Host resources are {@code hosts}
     * (matched by {@code spec.id}). A VM whose host is not known yet while one of them pins is refused rather than
     * placed by its provider alone.
     *
     * @throws IllegalArgumentException when it cannot be placed yet, or an annotation is not a label list (naming it)
     */
    public static NodeSelector forVm(String vmId, SourceHost host, ObjectNode provider, List<ObjectNode> hosts) {
        for (ObjectNode h : hosts) {
            String value = annotation(h);
            if (value.isEmpty()) {
                continue;
            }
            String hostName = "Host " + nameOf(h);
            if (!host.known()) {
                throw new IllegalArgumentException("the source host of VM " + vmId + " is not known yet and " + hostName
                        + " pins the VMs of its host (" + ANNOTATION + "): placed once plan validation has described the VM");
            }
            if (host.id() != null && host.id().equals(h.path("spec").path("id").asText())) {
                return new NodeSelector(ClusterSettings.parseLabels(value, hostName + " annotation " + ANNOTATION), hostName);
            }
        }
        String providerName = "Provider " + nameOf(provider);
        Map<String, String> pinnedHosts = hostAnnotations(provider);
        if (!pinnedHosts.isEmpty() && !host.known()) {
            throw new IllegalArgumentException("the source host of VM " + vmId + " is not known yet and " + providerName
                    + " pins the VMs of hosts " + pinnedHosts.keySet() + " (" + HOST_ANNOTATION_PREFIX
                    + "<host id>): placed once plan validation has described the VM");
        }
        if (host.id() != null && pinnedHosts.containsKey(host.id())) {
            String annotation = HOST_ANNOTATION_PREFIX + host.id();
            return new NodeSelector(ClusterSettings.parseLabels(pinnedHosts.get(host.id()),
                    providerName + " annotation " + annotation), providerName + " (" + annotation + ")");
        }
        String value = annotation(provider);
        return value.isEmpty() ? ANY
                : new NodeSelector(ClusterSettings.parseLabels(value, providerName + " annotation " + ANNOTATION), providerName);
    }

    /** A Provider's per-host selectors: host id → labels as written, in host id order. */
    private static Map<String, String> hostAnnotations(JsonNode provider) {
        Map<String, String> out = new java.util.TreeMap<>();
        provider.path("metadata").path("annotations").properties().forEach(e -> {
            if (e.getKey().startsWith(HOST_ANNOTATION_PREFIX) && e.getKey().length() > HOST_ANNOTATION_PREFIX.length()) {
                out.put(e.getKey().substring(HOST_ANNOTATION_PREFIX.length()), e.getValue().asText(""));
            }
        });
        return out;
    }

    private static String annotation(JsonNode resource) {
        return resource.path("metadata").path("annotations").path(ANNOTATION).asText("");
    }

    private static String nameOf(JsonNode resource) {
        return resource.path("metadata").path("namespace").asText() + "/" + resource.path("metadata").path("name").asText();
    }
}
