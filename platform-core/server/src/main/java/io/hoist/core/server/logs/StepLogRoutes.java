package io.hoist.core.server.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.hooks.StepLogs;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.http.ApiException;
import io.hoist.core.store.ResourceStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET .../namespaces/{ns}/plans/{name}/log?vm=ID|NAME[&step=STEP][&migration=UID]}: the kept
 * output (last 1 MiB) of a VM's steps that run outside tools (hooks, the guest converter), as {@code text/plain}, like a pod's {@code log} subresource.
 * Without {@code step} every step that wrote output, each under a {@code ==> Step <==} header; without
 * {@code migration} the plan's latest migration. 404 (Status) names what is missing.
 */
public final class StepLogRoutes {
    public static final String PATH = "/apis/forklift.konveyor.io/v1beta1/namespaces/:namespace/plans/:name/log";
    static final List<String> STEPS = List.of("PreHook", "ImageConversion", "PostHook"); // pipeline order

    private final Vertx vertx;
    private final ResourceStore store;
    private final StepLogs logs;

    public StepLogRoutes(Vertx vertx, ResourceStore store, StepLogs logs) {
        this.vertx = vertx;
        this.store = store;
        this.logs = logs;
    }

    public void mount(Router router) {
        router.get(PATH).handler(this::get);
    }

    public static ObjectNode openApiPaths() {
        ObjectNode paths = JsonNodeFactory.instance.objectNode();
        ObjectNode op = paths.putObject("/apis/forklift.konveyor.io/v1beta1/namespaces/{namespace}/plans/{name}/log").putObject("get");
        op.put("summary", "Output of a VM's hook and guest conversion steps (PreHook, ImageConversion, PostHook) in the plan's latest migration, the last 1 MiB of each");
        op.put("operationId", "readPlanVmLog");
        op.putArray("tags").add("plans");
        var params = op.putArray("parameters");
        for (String[] p : new String[][]{{"namespace", "path", "true"}, {"name", "path", "true"}, {"vm", "query", "true"},
                {"step", "query", "false"}, {"migration", "query", "false"}}) {
            ObjectNode n = params.addObject();
            n.put("name", p[0]).put("in", p[1]).put("required", Boolean.parseBoolean(p[2]));
            n.putObject("schema").put("type", "string");
        }
        ObjectNode responses = op.putObject("responses");
        responses.putObject("200").put("description", "The output as text/plain")
                .putObject("content").putObject("text/plain").putObject("schema").put("type", "string");
        responses.putObject("400").put("description", "vm missing or step not PreHook, ImageConversion or PostHook (Status)");
        responses.putObject("401").put("description", "Missing or invalid bearer token (Status)");
        responses.putObject("404").put("description", "Plan, VM or output not found (Status)");
        return paths;
    }

    private void get(RoutingContext ctx) {
        String ns = ctx.pathParam("namespace");
        String name = ctx.pathParam("name");
        String vm = ctx.queryParams().get("vm");
        String step = ctx.queryParams().get("step");
        String migration = ctx.queryParams().get("migration");
        vertx.executeBlocking(() -> read(ns, name, vm, step, migration), false).onSuccess(text -> {
            if (!ctx.response().ended() && !ctx.response().closed()) {
                ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
            }
        }).onFailure(ctx::fail);
    }

    String read(String ns, String name, String vm, String step, String migration) {
        if (vm == null || vm.isBlank()) {
            throw ApiException.badRequest("vm: Required value: the VM's id or name in the plan");
        }
        if (step != null && !STEPS.contains(step)) {
            throw ApiException.badRequest("step: Unsupported value: \"" + step + "\": supported values: "
                    + String.join(", ", STEPS.stream().map(x -> "\"" + x + "\"").toList()));
        }
        ObjectNode plan = store.get(ResourceKind.PLAN, ns, name).orElseThrow(() ->
                ApiException.notFound("plans.forklift.konveyor.io \"" + name + "\" not found"));
        JsonNode snapshot = plan.path("status").path("migration");
        String uid = migration;
        if (uid == null || uid.isBlank()) {
            JsonNode history = snapshot.path("history");
            uid = history.size() == 0 ? null : history.get(history.size() - 1).path("migration").path("uid").asText(null);
        }
        if (uid == null) {
            throw ApiException.notFound("plan " + ns + "/" + name + " has not been migrated yet");
        }
        String vmId = null;
        for (JsonNode v : snapshot.path("vms")) {
            if (vm.equals(v.path("id").asText(null)) || vm.equals(v.path("name").asText(null))) {
                vmId = v.path("id").asText();
                break;
            }
        }
        if (vmId == null) {
            throw ApiException.notFound("VM \"" + vm + "\" is not in the latest migration of plan " + ns + "/" + name);
        }
        List<String> steps = step == null ? STEPS : List.of(step);
        List<String> parts = new ArrayList<>();
        for (String s : steps) {
            Optional<String> text = logs.read(ns, name, uid, vmId, s);
            if (text.isPresent()) {
                parts.add(step == null ? "==> " + s + " <==\n" + text.get() : text.get());
            }
        }
        if (parts.isEmpty()) {
            throw ApiException.notFound("no " + (step == null ? "hook or conversion" : step) + " output for VM " + vm + " in migration " + uid
                    + " of plan " + ns + "/" + name);
        }
        return String.join("\n", parts);
    }
}
