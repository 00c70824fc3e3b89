package io.hoist.core.engine.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Messages.PlanKey;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.Resources;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusWriterTest {
    @TempDir
    Path dir;

    /**
     * A VM change marks the Migration's copy dirty, which is refreshed on a 3 s timer. A VM change made while that
     * timer is pending must still be written after the short linger: VM runs wait for their phase changes to be
     * durable, so each one waiting for the mirror timer added seconds to every step (seen as ~3 s per phase).
     */
    @Test
    void aVmChangeIsDurableWithinTheLingerEvenWhileAMirrorRefreshIsPending() throws Exception {
        ResourceStore store = SqliteResourceStore.open(dir);
        try (StatusWriter writer = new StatusWriter(store, Resources.MAPPER)) {
            for (ObjectNode o : Manifests.parse("""
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Plan
                    metadata: {name: p, namespace: default}
                    spec: {targetNamespace: t, vms: [{id: vm-1}]}
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Migration
                    metadata: {name: m, namespace: default}
                    spec: {plan: {name: p, namespace: default}}
                    """)) {
                store.create(ResourceKind.byKind(o.path("kind").asText()).orElseThrow(), o);
            }
            PlanKey key = new PlanKey("default", "p");
            writer.updatePlan(key, p -> {
                p.status = new Plan.Status();
                p.status.migration = new Plan.MigrationSnapshot();
                p.status.migration.vms = new ArrayList<>();
                VmStatus vm = new VmStatus();
                vm.id = "vm-1";
                p.status.migration.vms.add(vm);
            }).get(5, TimeUnit.SECONDS);

            writer.updateVm(key, "m", "vm-1", v -> v.phase = "CopyDisks").get(5, TimeUnit.SECONDS);
            // the first change mirrored at once; this one leaves the mirror dirty and its timer pending
            writer.updateVm(key, "m", "vm-1", v -> v.phase = "Precopy").get(5, TimeUnit.SECONDS);

            long t0 = System.nanoTime();
            writer.updateVm(key, "m", "vm-1", v -> v.phase = "CreateVm").get(5, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).as("ms until a VM change was durable while a mirror refresh was pending").isLessThan(1_500);
            assertThat(store.get(ResourceKind.PLAN, "default", "p").orElseThrow()
                    .at("/status/migration/vms/0/phase").asText()).isEqualTo("CreateVm");
        } finally {
            store.close();
        }
    }
}
