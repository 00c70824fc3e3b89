package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.run.TargetContexts;
import io.hoist.core.engine.run.TargetSpecBuilder;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.resource.Provider;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 6: the ForkliftController's settings and the OS map ConfigMaps are read from the store once per change,
 * not per VM's target spec or per scheduler decision (a 5,000-VM plan listed them 5,000 times a pass), and a change
 * still applies at the next read. Real SQLite store; reads of those kinds are counted on the way to it.
 */
class SettingsReadOncePerChangeTest {
    @TempDir
    Path dir;

    /** The real store, counting the reads of ForkliftControllers and ConfigMaps that pass through it. */
    private static ResourceStore countingReads(ResourceStore store, AtomicInteger reads) {
        return (ResourceStore) Proxy.newProxyInstance(ResourceStore.class.getClassLoader(), new Class<?>[] {ResourceStore.class},
                (proxy, method, args) -> {
                    if ((method.getName().equals("list") || method.getName().equals("get")) && args != null
                            && (args[0] == ResourceKind.FORKLIFT_CONTROLLER || args[0] == ResourceKind.CONFIG_MAP)) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static ObjectNode controller(String transferNetwork, int maxVmInflight) {
        ObjectNode c = io.hoist.core.model.Resources.MAPPER.createObjectNode();
        c.putObject("metadata").put("namespace", "openshift-mtv").put("name", "forklift-controller");
        c.putObject("spec").put("controller_transfer_network", transferNetwork).put("controller_max_vm_inflight", maxVmInflight)
                .put("vsphere_osmap_configmap_name", "my-osmap");
        return c;
    }

    private static TargetSpecBuilder.Context vsphereContext(TargetContexts contexts) {
        return contexts.context("src-uid", Provider.TYPE_VSPHERE, null, Set.of());
    }

    @Test
    void targetSpecsReadSettingsAndOsMapsOncePerChangeAndSeeEachChange() {
        AtomicInteger reads = new AtomicInteger();
        try (SqliteResourceStore real = SqliteResourceStore.open(dir);
             TargetContexts contexts = new TargetContexts(countingReads(real, reads), null)) {
            ObjectNode stored = real.create(ResourceKind.FORKLIFT_CONTROLLER, controller("openshift-mtv/net-a", 20));
            assertThat(contexts.osMapProblem(Provider.TYPE_VSPHERE)).hasValueSatisfying(p -> assertThat(p).contains("my-osmap"));
            int before = reads.get();
            for (int vm = 0; vm < 1000; vm++) {
                assertThat(vsphereContext(contexts).controllerTransferNetwork()).isEqualTo("openshift-mtv/net-a");
            }
            assertThat(reads.get() - before).as("store reads for 1,000 VMs' target specs").isLessThanOrEqualTo(2);

            // A changed setting applies at the next VM.
            ObjectNode changed = controller("openshift-mtv/net-b", 20);
            changed.with("metadata").put("resourceVersion", stored.path("metadata").path("resourceVersion").asText());
            real.update(ResourceKind.FORKLIFT_CONTROLLER, changed);
            assertThat(vsphereContext(contexts).controllerTransferNetwork()).isEqualTo("openshift-mtv/net-b");

            // The named OS map ConfigMap appears: the next VM uses it.
            real.create(ResourceKind.CONFIG_MAP, io.hoist.core.model.Manifests.parse("""
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: my-osmap, namespace: openshift-mtv}
                    data: {rhel9_64Guest: my-rhel9}
                    """).get(0));
            assertThat(vsphereContext(contexts).osMap()).containsExactlyEntriesOf(java.util.Map.of("rhel9_64Guest", "my-rhel9"));
            assertThat(contexts.osMapProblem(Provider.TYPE_VSPHERE)).isEmpty();
        }
    }

    @Test
    void theSchedulersLimitIsReadOncePerChangeAndSeesEachChange() {
        AtomicInteger reads = new AtomicInteger();
        try (SqliteResourceStore real = SqliteResourceStore.open(dir);
             LiveSettings live = new LiveSettings(countingReads(real, reads))) {
            EngineSettings settings = new EngineSettings(live);
            ObjectNode stored = real.create(ResourceKind.FORKLIFT_CONTROLLER, controller("openshift-mtv/net-a", 7));
            assertThat(settings.maxVmInflight()).isEqualTo(7);
            int before = reads.get();
            for (int decision = 0; decision < 1000; decision++) {
                assertThat(settings.maxVmInflight()).isEqualTo(7);
            }
            assertThat(reads.get() - before).as("store reads for 1,000 scheduler decisions").isZero();

            ObjectNode changed = controller("openshift-mtv/net-a", 3);
            changed.with("metadata").put("resourceVersion", stored.path("metadata").path("resourceVersion").asText());
            real.update(ResourceKind.FORKLIFT_CONTROLLER, changed);
            assertThat(settings.maxVmInflight()).isEqualTo(3);
            assertThat(live.snapshot()).containsEntry("controller_max_vm_inflight", "3");
        }
    }
}
