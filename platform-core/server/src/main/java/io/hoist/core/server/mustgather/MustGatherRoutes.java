package io.hoist.core.server.mustgather;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code GET /api/v1/must-gather[?namespace=NS][&plan=P][&vm=V]}: the support archive as application/gzip, what
 * {@code hoist must-gather} and the console download. Built in a temp file off the event loop, then streamed.
 */
public final class MustGatherRoutes {
    public static final String PATH = "/api/v1/must-gather";

    private final Vertx vertx;
    private final MustGather gather;

    public MustGatherRoutes(Vertx vertx, MustGather gather) {
        this.vertx = vertx;
        this.gather = gather;
    }

    public void mount(Router router) {
        router.get(PATH).handler(this::serve);
    }

    private void serve(RoutingContext ctx) {
        MustGather.Target target = new MustGather.Target(param(ctx, "namespace"), param(ctx, "plan"), param(ctx, "vm"));
        vertx.executeBlocking(() -> {
            Path file = Files.createTempFile("hoist-must-gather-", ".tar.gz");
            try (OutputStream out = Files.newOutputStream(file)) {
                gather.write(target, out);
            } catch (Exception e) {
                Files.deleteIfExists(file);
                throw e;
            }
            return file;
        }, false).onComplete(r -> {
            if (r.failed()) {
                ctx.fail(r.cause());
                return;
            }
            Path file = r.result();
            ctx.response().putHeader("Content-Type", "application/gzip")
                    .putHeader("Content-Disposition", "attachment; filename=\"must-gather.tar.gz\"")
                    .sendFile(file.toString())
                    .onComplete(done -> vertx.executeBlocking(() -> Files.deleteIfExists(file), false));
        });
    }

    private static String param(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        return v == null || v.isBlank() ? null : v;
    }

    public static ObjectNode openApiPaths() {
        ObjectNode paths = JsonNodeFactory.instance.objectNode();
        ObjectNode get = paths.putObject(PATH).putObject("get");
        get.put("summary", "Support archive (tar.gz): resources with Secrets reduced to key names, inventory, plugins, logs");
        var params = get.putArray("parameters");
        for (String p : new String[] {"namespace", "plan", "vm"}) {
            params.addObject().put("name", p).put("in", "query").put("required", false).putObject("schema").put("type", "string");
        }
        get.putObject("responses").putObject("200").put("description", "application/gzip archive");
        return paths;
    }
}
