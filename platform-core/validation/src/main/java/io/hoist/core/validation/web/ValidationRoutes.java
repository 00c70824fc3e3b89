package io.hoist.core.validation.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.validation.ValidationService;
import io.hoist.core.validation.rules.RuleFile;
import io.hoist.core.validation.rules.RuleSetException;
import io.hoist.policy.engine.PolicyEvaluationException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * HTTP face of the validation service: OPA's data API for the two documents MTV's controller reads
 * ({@code rules_version}, {@code validate}), and endpoints to post custom rules (a ConfigMap's data or an
 * OPA bundle) and see which rules are active. Everything runs off the event loop.
 */
public final class ValidationRoutes {
    static final String DATA = "/v1/data/io/konveyor/forklift/:provider/";

    private final ValidationService service;
    private final ObjectMapper json = new ObjectMapper();

    public ValidationRoutes(ValidationService service) {
        this.service = service;
    }

    public void mount(Router router) {
        router.get(DATA + "rules_version").handler(ctx -> blocking(ctx, () -> {
            JsonNode doc = service.evaluate(provider(ctx), "rules_version", null);
            return new Answer(200, result(doc));
        }));
        router.post(DATA + "validate").handler(ctx -> blocking(ctx, () -> {
            String provider = provider(ctx);
            JsonNode body = parseBody(ctx);
            if (!body.isObject() || !body.has("input")) {
                return error(400, "BadRequest", "body: expected a JSON object with an 'input' field, as OPA's data API takes");
            }
            JsonNode doc = service.evaluate(provider, "validate", json.writeValueAsString(body.get("input")));
            return new Answer(200, result(doc));
        }));
        router.get("/v1/validation/rules").handler(ctx -> blocking(ctx, () -> new Answer(200, status())));
        router.put("/v1/validation/configmaps/:name").handler(ctx -> blocking(ctx, () -> {
            JsonNode body = parseBody(ctx);
            JsonNode data = body.path("data");
            if (!data.isObject()) {
                return error(400, "BadRequest", "data: expected an object of file name to Rego text (a ConfigMap's data)");
            }
            Map<String, String> files = new LinkedHashMap<>();
            data.fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText()));
            service.applyConfigMap(ctx.pathParam("name"), files);
            return new Answer(200, status());
        }));
        router.delete("/v1/validation/configmaps/:name").handler(ctx -> blocking(ctx, () -> {
            service.removeConfigMap(ctx.pathParam("name"));
            return new Answer(200, status());
        }));
        router.put("/v1/validation/bundles/:name").handler(ctx -> blocking(ctx, () -> {
            service.applyBundle(ctx.pathParam("name"), ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
            return new Answer(200, status());
        }));
        router.delete("/v1/validation/bundles/:name").handler(ctx -> blocking(ctx, () -> {
            service.removeBundle(ctx.pathParam("name"));
            return new Answer(200, status());
        }));
    }

    private record Answer(int status, JsonNode body) {}

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    private void blocking(RoutingContext ctx, Callable<Answer> work) {
        ctx.vertx().executeBlocking(() -> {
            try {
                return work.call();
            } catch (BadRequest e) {
                return error(400, "BadRequest", e.getMessage());
            } catch (RuleSetException e) {
                return error(422, "Invalid", e.getMessage());
            } catch (IllegalArgumentException e) {
                return error(404, "NotFound", e.getMessage());
            } catch (IllegalStateException e) {
                return error(503, "ServiceUnavailable", e.getMessage());
            } catch (PolicyEvaluationException e) {
                return error(500, "InternalError", "evaluation failed: " + e.getMessage());
            }
        }, false).onComplete(r -> {
            if (r.failed()) {
                ctx.fail(r.cause());
                return;
            }
            try {
                ctx.response().setStatusCode(r.result().status()).putHeader("Content-Type", "application/json")
                        .end(json.writeValueAsString(r.result().body()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                ctx.fail(e);
            }
        });
    }

    private String provider(RoutingContext ctx) {
        String p = ctx.pathParam("provider");
        if (service.packages().get(p).isEmpty()) {
            throw new IllegalArgumentException("provider: unknown rules package '" + p + "' (known: " + service.packages().names() + ")");
        }
        return p;
    }

    private JsonNode parseBody(RoutingContext ctx) {
        String text = ctx.body() == null ? null : ctx.body().asString();
        if (text == null || text.isBlank()) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return json.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("body: not JSON: " + e.getOriginalMessage());
        }
    }

    /** OPA's answer: {"result": value}, or {} when the document is undefined. */
    private static ObjectNode result(JsonNode doc) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (doc != null) {
            out.set("result", doc);
        }
        return out;
    }

    private ObjectNode status() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String pkg : service.packages().names()) {
            ObjectNode p = out.putObject(pkg);
            p.put("providerType", service.packages().get(pkg).orElseThrow().providerType());
            service.ruleSet(pkg).ifPresent(rs -> {
                p.put("rulesVersion", rs.rulesVersion());
                var files = p.putArray("files");
                for (RuleFile f : rs.files()) {
                    files.add(f.label());
                }
            });
            String err = service.errors().get(pkg);
            if (err != null) {
                p.put("error", err);
            }
            // Kubernetes-style condition: which rules are in force and why others were kept out
            ObjectNode c = p.putArray("conditions").addObject();
            boolean ready = service.ruleSet(pkg).isPresent();
            c.put("type", "Ready").put("status", ready && err == null ? "True" : "False")
                    .put("reason", !ready ? (err == null ? "Compiling" : "RulesRefused") : err == null ? "RulesActive" : "CustomRulesRefused")
                    .put("message", err != null ? err : ready ? "rules_version " + service.ruleSet(pkg).get().rulesVersion() + " active" : "compiling");
        }
        return out;
    }

    /** A Kubernetes-style Status body, as the rest of the API answers errors. */
    private static Answer error(int code, String reason, String message) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("kind", "Status").put("apiVersion", "v1").put("status", "Failure").put("message", message)
                .put("reason", reason).put("code", code);
        return new Answer(code, s);
    }

    /** OpenAPI 3 path items for the routes above. */
    public static ObjectNode openApiPaths() {
        ObjectNode paths = JsonNodeFactory.instance.objectNode();
        String data = "/v1/data/io/konveyor/forklift/{provider}/";
        op(paths, data + "rules_version", "get", "The provider package's rules_version document (OPA data API)");
        op(paths, data + "validate", "post", "Validate one VM workload given as {\"input\": ...} (OPA data API)");
        op(paths, "/v1/validation/rules", "get", "Active rule files and rules_version per package, with the last refusal");
        op(paths, "/v1/validation/configmaps/{name}", "put", "Add or replace custom rules from a ConfigMap (its data: file name to Rego)");
        op(paths, "/v1/validation/configmaps/{name}", "delete", "Remove a ConfigMap's custom rules");
        op(paths, "/v1/validation/bundles/{name}", "put", "Add or replace the .rego files of an OPA bundle (.tar.gz body)");
        op(paths, "/v1/validation/bundles/{name}", "delete", "Remove a bundle's custom rules");
        return paths;
    }

    private static void op(ObjectNode paths, String path, String method, String summary) {
        ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
        ObjectNode o = item.putObject(method);
        o.put("summary", summary);
        o.putObject("responses").putObject("200").put("description", "OK");
    }
}
