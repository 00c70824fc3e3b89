package io.hoist.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderRef;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import io.hoist.core.validation.rules.RulePackages;
import io.hoist.policy.engine.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24: rules are compiled and trial-evaluated on the validation service's own threads, within a budget,
 * never inside a store commit, never blocking the platform's start. Each test first builds the hang (a rule set
 * that does not finish compiling until released), then shows that the store, the start and validation go on.
 */
class RuleChangesNeverBlockTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path data;

    private static ObjectNode configMap(String ns, String name, Map<String, String> files) {
        ObjectNode cm = JSON.createObjectNode();
        cm.putObject("metadata").put("namespace", ns).put("name", name);
        ObjectNode d = cm.putObject("data");
        files.forEach(d::put);
        return cm;
    }

    @Test
    void aConfigMapWhoseRulesHangNeverHoldsUpAStoreWrite() throws Exception {
        var compiler = new BlockingRuleSetCompilerTestDouble(Limits.defaults());
        Inventory inventory = new Inventory();
        try (SqliteResourceStore store = SqliteResourceStore.open(data.resolve("store"));
             ValidationService service = new ValidationService(inventory, data.resolve("rules"), 1, RulePackages.builtin(),
                     compiler, Duration.ofMinutes(5)).start(Duration.ofHours(1))) {
            AutoCloseable follow = ConfigMapRules.follow(store, service, ConfigMapRules.DEFAULT_NAME);
            // the write that delivers the hanging rules returns: compiling happens after the commit, elsewhere
            CompletableFuture<ObjectNode> write = CompletableFuture.supplyAsync(() -> store.create(ResourceKind.CONFIG_MAP,
                    configMap("demo", ConfigMapRules.DEFAULT_NAME, Map.of("slow.rego",
                            "package io.konveyor.forklift.vmware\nimport rego.v1\n# BLOCK\nslow_rule := true\n"))));
            assertThat(write.get(WAIT.toSeconds(), TimeUnit.SECONDS).path("metadata").path("resourceVersion").asText()).isNotEmpty();
            assertThat(compiler.started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("compile of the ConfigMap began").isTrue();
            // while that compile hangs, every other write still goes through
            CompletableFuture<ObjectNode> other = CompletableFuture.supplyAsync(() -> store.create(ResourceKind.CONFIG_MAP,
                    configMap("demo", "unrelated", Map.of("k", "v"))));
            assertThat(other.get(WAIT.toSeconds(), TimeUnit.SECONDS).path("metadata").path("name").asText()).isEqualTo("unrelated");
            // and the active rules keep answering
            assertThat(service.evaluate("vmware", "rules_version", null).path("rules_version").asInt()).isPositive();

            compiler.release.countDown();
            long end = System.nanoTime() + WAIT.toNanos();
            while (!service.ruleSet("vmware").orElseThrow().files().stream().anyMatch(f -> f.name().equals("slow.rego"))) {
                assertThat(System.nanoTime()).as("the released rules become active").isLessThan(end);
                Thread.sleep(20);
            }
            follow.close();
        }
    }

    @Test
    void startupDoesNotWaitForStoredRulesThatHang() throws Exception {
        Files.writeString(Files.createDirectories(data.resolve("rules/vmware")).resolve("slow.rego"),
                "package io.konveyor.forklift.vmware\nimport rego.v1\n# BLOCK\nslow_rule := true\n");
        var compiler = new BlockingRuleSetCompilerTestDouble(Limits.defaults());
        Inventory inventory = new Inventory();
        long t0 = System.nanoTime();
        // compile budget 2 s: the hanging vmware rules are given up on, the defaults take their place
        try (ValidationService service = new ValidationService(inventory, data.resolve("rules"), 1, RulePackages.builtin(),
                compiler, Duration.ofSeconds(2)).start(Duration.ofHours(1), Duration.ofMillis(200))) {
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("start returned without the hanging rules").isLessThan(WAIT);
            long end = System.nanoTime() + WAIT.toNanos();
            while (service.ruleSet("vmware").isEmpty() || service.ruleSet("ova").isEmpty()) {
                assertThat(System.nanoTime()).as("packages become active").isLessThan(end);
                Thread.sleep(20);
            }
            assertThat(service.ruleSet("vmware").orElseThrow().files()).noneMatch(f -> f.name().equals("slow.rego"));
            assertThat(service.errors().get("vmware")).contains("compiling the vmware rules took longer than 2 s");
            assertThat(service.evaluate("vmware", "rules_version", null).path("rules_version").asInt()).isPositive();
        } finally {
            compiler.release.countDown();
        }
    }

    @Test
    void theHostileRegexFromTheReviewIsHarmlessInACustomRule() throws Exception {
        Inventory inventory = new Inventory();
        InventoryPublisher vsphere = inventory.register(new ProviderRef("uid-vc", "demo", "vcenter", "vsphere"));
        try (SqliteResourceStore store = SqliteResourceStore.open(data.resolve("store"));
             ValidationService service = new ValidationService(inventory, data.resolve("rules"), Limits.defaults(), 1)
                     .start(Duration.ofHours(1))) {
            AutoCloseable follow = ConfigMapRules.follow(store, service, ConfigMapRules.DEFAULT_NAME);
            store.create(ResourceKind.CONFIG_MAP, configMap("demo", ConfigMapRules.DEFAULT_NAME, Map.of("redos.rego", """
                    package io.konveyor.forklift.vmware
                    import rego.v1
                    concerns contains {"id": "custom.redos", "category": "Warning", "label": "x", "assessment": "x"} if {
                    	regex.match(`(.*a){12}x`, input.name)
                    }
                    """)));
            long end = System.nanoTime() + WAIT.toNanos();
            while (service.ruleSet("vmware").orElseThrow().files().stream().noneMatch(f -> f.name().equals("redos.rego"))) {
                assertThat(System.nanoTime()).as("the ConfigMap's rules become active").isLessThan(end);
                Thread.sleep(20);
            }
            Map<String, Object> vm = new LinkedHashMap<>(Workloads.load("vsphere-erp-db-01.json"));
            vm.put("id", "vm-1");
            vm.put("name", "a".repeat(40));
            vsphere.put("vms", "vm-1", "a".repeat(40), vm);
            assertThat(service.awaitIdle(WAIT)).isTrue();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> concerns = (List<Map<String, Object>>) inventory.get("uid-vc", "vms", "vm-1").orElseThrow().get("concerns");
            assertThat(concerns).isNotEmpty().noneMatch(c -> "validation.failed".equals(c.get("id")));
            follow.close();
        }
    }
}
