package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes API discovery ({@code /version}, {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>},
 * {@code /apis/<group>/<version>}), generated from {@link ResourceKind}, so Kubernetes clients (kubectl, fabric8,
 * client-go) can find the plurals and verbs of the resources this API serves and talk to it as to a cluster.
 */
public final class DiscoveryApi {
    /** The Kubernetes API level whose shapes this API follows, reported by {@code /version}. */
    static final String KUBE_MAJOR = "1";
    static final String KUBE_MINOR = "30";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VERBS = List.of("create", "delete", "get", "list", "patch", "update", "watch");
    private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");
    private static final List<String> READ_VERBS = List.of("get", "list", "watch");
    /**
     * MTV's CRDs declare no short names and no categories. Short names stay none (a user's scripts and habits come
     * from MTV, and a made-up one could shadow another CRD's on a cluster); the forklift kinds share one category so
     * {@code kubectl get forklift} lists them all at once, as {@code kubectl get all} does for workloads.
     */
    static final String CATEGORY = "forklift";

    private final String platformVersion;

    public DiscoveryApi(String platformVersion) {
        this.platformVersion = platformVersion;
    }

    public void addRoutes(Router router) {
        router.get("/version").handler(ctx -> send(ctx, version()));
        router.get("/api").handler(ctx -> send(ctx, coreVersions(ctx)));
        router.get("/apis").handler(ctx -> send(ctx, groupList()));
        for (Map.Entry<String, List<ResourceKind>> gv : groupVersions().entrySet()) {
            int slash = gv.getKey().indexOf('/');
            String base = slash < 0 ? "/api/" + gv.getKey() : "/apis/" + gv.getKey();
            router.get(base).handler(ctx -> send(ctx, resourceList(gv.getKey(), gv.getValue())));
            if (slash > 0) {
                String group = gv.getKey().substring(0, slash);
                router.get("/apis/" + group).handler(ctx -> send(ctx, group(group)));
            }
        }
    }

    private ObjectNode version() {
        ObjectNode v = JSON.createObjectNode();
        v.put("major", KUBE_MAJOR);
        v.put("minor", KUBE_MINOR);
        v.put("gitVersion", "v" + KUBE_MAJOR + "." + KUBE_MINOR + ".0+hoist-" + platformVersion);
        v.put("platform", System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch"));
        return v;
    }

    private static ObjectNode coreVersions(RoutingContext ctx) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", "APIVersions");
        o.putArray("versions").add("v1");
        ObjectNode addr = o.putArray("serverAddressByClientCIDRs").addObject();
        addr.put("clientCIDR", "0.0.0.0/0");
        addr.put("serverAddress", ctx.request().authority() == null ? "" : ctx.request().authority().toString());
        return o;
    }

    private static ObjectNode groupList() {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", "APIGroupList");
        o.put("apiVersion", "v1");
        ArrayNode groups = o.putArray("groups");
        for (String g : groups()) {
            groups.add(groupBody(g));
        }
        return o;
    }

    private static ObjectNode group(String name) {
        ObjectNode o = groupBody(name);
        o.put("kind", "APIGroup");
        o.put("apiVersion", "v1");
        return o;
    }

    private static ObjectNode groupBody(String name) {
        ObjectNode g = JSON.createObjectNode();
        g.put("name", name);
        ArrayNode versions = g.putArray("versions");
        ObjectNode preferred = null;
        for (String gv : groupVersions().keySet()) {
            if (gv.startsWith(name + "/")) {
                ObjectNode v = versions.addObject();
                v.put("groupVersion", gv);
                v.put("version", gv.substring(name.length() + 1));
                preferred = preferred == null ? v.deepCopy() : preferred;
            }
        }
        g.set("preferredVersion", preferred);
        return g;
    }

    private static ObjectNode resourceList(String groupVersion, List<ResourceKind> kinds) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", "APIResourceList");
        o.put("apiVersion", "v1");
        o.put("groupVersion", groupVersion);
        ArrayNode resources = o.putArray("resources");
        if (groupVersion.equals("v1")) { // namespaces: listed, read, created and deleted (ClusterApi)
            ObjectNode ns = resources.addObject();
            ns.put("name", "namespaces").put("singularName", "namespace").put("namespaced", false).put("kind", "Namespace");
            ns.putArray("shortNames").add("ns");
            List.of("create", "delete", "get", "list").forEach(ns.putArray("verbs")::add);
        }
        for (ResourceKind k : kinds) {
            resources.add(resource(k, k.plural(), k.userWritable() ? VERBS : READ_VERBS));
            if (!k.group().isEmpty() && k.userWritable()) { // the forklift kinds have a status subresource
                resources.add(resource(k, k.plural() + "/status", STATUS_VERBS));
            }
        }
        return o;
    }

    private static ObjectNode resource(ResourceKind k, String name, List<String> verbs) {
        ObjectNode r = JSON.createObjectNode();
        r.put("name", name);
        r.put("singularName", name.contains("/") ? "" : k.singular());
        r.put("namespaced", true);
        r.put("kind", k.kind());
        ArrayNode v = r.putArray("verbs");
        verbs.forEach(v::add);
        if (!k.group().isEmpty() && !name.contains("/")) {
            r.putArray("categories").add(CATEGORY);
        }
        return r;
    }

    /** group/version (or just the version for the core group) to its kinds, in declaration order. */
    private static Map<String, List<ResourceKind>> groupVersions() {
        Map<String, List<ResourceKind>> out = new LinkedHashMap<>();
        for (ResourceKind k : ResourceKind.values()) {
            out.computeIfAbsent(k.apiVersion(), x -> new ArrayList<>()).add(k);
        }
        out.put(EventsV1.GROUP_VERSION, List.of(ResourceKind.EVENT)); // the same Events, in their newer shape
        return out;
    }

    private static List<String> groups() {
        List<String> out = new ArrayList<>();
        for (String gv : groupVersions().keySet()) {
            int slash = gv.indexOf('/');
            if (slash > 0 && !out.contains(gv.substring(0, slash))) {
                out.add(gv.substring(0, slash));
            }
        }
        return out;
    }

    private static void send(RoutingContext ctx, ObjectNode body) {
        ctx.response().putHeader("Content-Type", "application/json").end(body.toString());
    }
}
