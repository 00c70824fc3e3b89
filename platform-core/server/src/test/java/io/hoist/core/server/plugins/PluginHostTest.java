package io.hoist.core.server.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.HoistException;
import io.hoist.api.PluginApi;
import io.hoist.api.hook.HookRunner;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.SourceProviderFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third-party plugins compiled and jarred at test time into a temporary DATA/plugins and a separate
 * built-in directory, loaded by the real PF4J host and listed over a real HTTP socket.
 */
class PluginHostTest {
    private static final String ACME_FACTORY = """
            package com.acme.hoist;

            import io.hoist.api.host.HostContext;
            import io.hoist.api.provider.ProviderConfig;
            import io.hoist.api.provider.SourceProviderFactory;
            import io.hoist.api.source.SourceProvider;
            import org.pf4j.Extension;

            @Extension
            public class AcmeSourceFactory implements SourceProviderFactory {
                @Override
                public String type() {
                    // Proves the host set the plugin's class loader as the context class loader.
                    return Thread.currentThread().getContextClassLoader() == getClass().getClassLoader()
                            ? "acme" : "wrong-context-loader";
                }

                @Override
                public SourceProvider create(ProviderConfig config, HostContext context) {
                    throw new IllegalStateException("acme endpoint " + config.url() + " unreachable");
                }
            }
            """;

    private static final String ACME_HOOKS = """
            package com.acme.hoist;

            import io.hoist.api.HoistException;
            import io.hoist.api.hook.HookRun;
            import io.hoist.api.hook.HookRunner;
            import io.hoist.api.hook.HookSpec;
            import io.hoist.api.provider.ProviderConfig;
            import java.util.List;
            import org.pf4j.Extension;

            @Extension
            public class AcmeHookRunner implements HookRunner {
                public String name() { return "acme-shell"; }
                public List<io.hoist.api.Condition> check(HookSpec hook, ProviderConfig destination) { return List.of(); }
                public String run(HookRun run) {
                    throw new HoistException(HoistException.Type.USER_ERROR, "HookScriptMissing", "no script given");
                }
            }
            """;

    private static final String BROKEN_PLUGIN = """
            package com.acme.broken;

            public class BrokenPlugin extends org.pf4j.Plugin {
                @Override
                public void start() {
                    throw new IllegalStateException("license file missing");
                }
            }
            """;

    @TempDir
    static Path data;
    @TempDir
    static Path builtin;

    private PluginHost host;
    private Vertx vertx;

    @BeforeAll
    static void buildPlugins() throws Exception {
        Path dataPlugins = data.resolve("plugins");
        new PluginJarBuilder("acme")
                .source("com.acme.hoist.AcmeSourceFactory", ACME_FACTORY)
                .source("com.acme.hoist.AcmeHookRunner", ACME_HOOKS)
                .extension("com.acme.hoist.AcmeSourceFactory")
                .extension("com.acme.hoist.AcmeHookRunner")
                .manifest("Plugin-Requires", PluginApi.VERSION)
                .buildInto(dataPlugins);
        new PluginJarBuilder("future")
                .source("com.acme.hoist.AcmeSourceFactory", ACME_FACTORY.replace("\"acme\"", "\"future\""))
                .extension("com.acme.hoist.AcmeSourceFactory")
                .manifest("Plugin-Requires", "3.0.0")
                .buildInto(dataPlugins);
        new PluginJarBuilder("unversioned")
                .source("com.acme.hoist.AcmeSourceFactory", ACME_FACTORY)
                .extension("com.acme.hoist.AcmeSourceFactory")
                .buildInto(dataPlugins);
        new PluginJarBuilder("broken")
                .source("com.acme.broken.BrokenPlugin", BROKEN_PLUGIN)
                .manifest("Plugin-Class", "com.acme.broken.BrokenPlugin")
                .manifest("Plugin-Requires", PluginApi.VERSION)
                .buildInto(builtin);
        // The same plugin id in the built-in directory: the copy in DATA/plugins (listed first) wins.
        new PluginJarBuilder("acme")
                .source("com.acme.hoist.AcmeSourceFactory", ACME_FACTORY)
                .extension("com.acme.hoist.AcmeSourceFactory")
                .manifest("Plugin-Version", "0.1.0")
                .manifest("Plugin-Requires", PluginApi.VERSION)
                .buildInto(builtin);
        new PluginJarBuilder("ranged")
                .source("com.acme.hoist.AcmeSourceFactory", ACME_FACTORY.replace("\"acme\"", "\"ranged\""))
                .extension("com.acme.hoist.AcmeSourceFactory")
                .manifest("Plugin-Requires", ">=2.0.0 & <3.0.0")
                .buildInto(builtin);
    }

    @BeforeEach
    void startHost() {
        host = PluginHost.start(List.of(data.resolve("plugins"), builtin, data.resolve("does-not-exist")));
    }

    @AfterEach
    void stop() throws Exception {
        host.close();
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private PluginInfo plugin(String id) {
        return host.plugins().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void discoversThirdPartyPluginFromBothDirectories() {
        assertThat(host.plugins()).extracting(PluginInfo::id)
                .containsExactly("acme", "broken", "future", "ranged", "unversioned");
        PluginInfo acme = plugin("acme");
        assertThat(acme.state()).isEqualTo("STARTED");
        assertThat(acme.version()).isEqualTo("0.3.1");
        assertThat(acme.path()).startsWith(data.toString());
        assertThat(acme.extensions()).containsExactlyInAnyOrder(
                new PluginInfo.ExtensionInfo("SourceProviderFactory", "com.acme.hoist.AcmeSourceFactory", "acme"),
                new PluginInfo.ExtensionInfo("HookRunner", "com.acme.hoist.AcmeHookRunner", "acme-shell"));
        assertThat(plugin("ranged").state()).isEqualTo("STARTED");
        assertThat(host.sourceFactories()).extracting(SourceProviderFactory::type)
                .containsExactlyInAnyOrder("acme", "ranged");
        assertThat(host.hookRunners()).extracting(HookRunner::name).containsExactly("acme-shell");
        assertThat(host.destinationFactories()).isEmpty();
        assertThat(host.guestConverters()).isEmpty();
    }

    @Test
    void refusesApiMismatchWithClearMessage() {
        PluginInfo future = plugin("future");
        assertThat(future.state()).isEqualTo("FAILED");
        assertThat(future.error()).isEqualTo("plugin 'future' refused: it requires plugin API 3.0.0 but this platform"
                + " provides plugin API " + PluginApi.VERSION);
        assertThat(future.extensions()).isEmpty();
        PluginInfo unversioned = plugin("unversioned");
        assertThat(unversioned.state()).isEqualTo("FAILED");
        assertThat(unversioned.error()).contains("does not declare the plugin API version").contains("Plugin-Requires");
    }

    @Test
    void pluginFailingToStartIsFailedAndOthersRun() {
        PluginInfo broken = plugin("broken");
        assertThat(broken.state()).isEqualTo("FAILED");
        assertThat(broken.error()).contains("broken").contains("license file missing");
        assertThat(plugin("acme").state()).isEqualTo("STARTED");
    }

    @Test
    void callsIntoPluginsAreGuarded() {
        SourceProviderFactory acme = host.sourceFactories().stream()
                .filter(f -> f.type().equals("acme")).findFirst().orElseThrow();
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        ProviderConfig config = new ProviderConfig("u", "ns", "p", "acme", "https://acme.example",
                Map.of(), Map.of("password", "s3cret"));
        assertThatThrownBy(() -> acme.create(config, null))
                .isInstanceOfSatisfying(HoistException.class, e -> {
                    assertThat(e.type()).isEqualTo(HoistException.Type.INTERNAL);
                    assertThat(e.getMessage()).isEqualTo("plugin 'acme' failed in SourceProviderFactory.create:"
                            + " IllegalStateException: acme endpoint https://acme.example unreachable");
                });
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);

        HookRunner runner = host.hookRunners().get(0);
        assertThatThrownBy(() -> runner.run(null))
                .isInstanceOfSatisfying(HoistException.class, e -> {
                    assertThat(e.type()).isEqualTo(HoistException.Type.USER_ERROR);
                    assertThat(e.code()).isEqualTo("HookScriptMissing");
                    assertThat(e.getMessage()).contains("plugin 'acme'").contains("no script given");
                });

        assertThat(host.call("acme", "probe", () -> Thread.currentThread().getContextClassLoader()))
                .isNotSameAs(before);
        assertThatThrownBy(() -> host.call("acme", "probe", () -> { throw new LinkageError("missing class"); }))
                .isInstanceOf(HoistException.class).hasMessage("plugin 'acme' failed in probe: LinkageError: missing class");
    }

    @Test
    void noDirectoryMeansNoPluginsNotPf4jDefaults() {
        // PF4J alone would fall back to ./plugins or -Dpf4j.pluginsDir when given no existing root.
        System.setProperty("pf4j.pluginsDir", builtin.toString());
        try (PluginHost none = PluginHost.start(List.of(data.resolve("missing")))) {
            assertThat(none.plugins()).isEmpty();
            assertThat(none.sourceFactories()).isEmpty();
        } finally {
            System.clearProperty("pf4j.pluginsDir");
        }
    }

    @Test
    void listsPluginsOverHttp() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new PluginRoutes(host).mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.actualPort() + "/api/v1/plugins")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.get("kind").asText()).isEqualTo("PluginList");
        assertThat(body.get("pluginApiVersion").asText()).isEqualTo(PluginApi.VERSION);
        JsonNode acme = body.get("items").get(0);
        assertThat(acme.get("id").asText()).isEqualTo("acme");
        assertThat(acme.get("state").asText()).isEqualTo("STARTED");
        assertThat(acme.get("extensions")).anySatisfy(e -> {
            assertThat(e.get("point").asText()).isEqualTo("SourceProviderFactory");
            assertThat(e.get("type").asText()).isEqualTo("acme");
        });
        assertThat(body.get("items").get(2).get("error").asText()).contains("requires plugin API 3.0.0");
    }
}
