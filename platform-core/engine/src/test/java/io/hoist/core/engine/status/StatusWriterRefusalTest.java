package io.hoist.core.engine.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Messages.PlanKey;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.Resources;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch holding an entry of a VM run placed on another node since: the store refuses the whole write (as the
 * PostgreSQL store's guarded view does), and the status writer fails that VM's change alone and writes the others.
 */
class StatusWriterRefusalTest {
    @TempDir
    Path dir;

    /** The SQLite store, refusing every item write that holds an entry of {@code vmId} (a run placed elsewhere). */
    private static ResourceStore refusingEntriesOf(ResourceStore store, String vmId) {
        return (ResourceStore) Proxy.newProxyInstance(ResourceStore.class.getClassLoader(), new Class<?>[] {ResourceStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("writeSerializedItems")
                            && ((List<?>) args[3]).stream().anyMatch(i -> ((ResourceStore.SerializedItem) i).id().equals(vmId))) {
                        throw new StoreException.Superseded("write refused: VM run " + vmId + " placed on another node", Set.of(vmId));
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aRefusedEntryFailsAloneAndTheRestOfItsBatchIsWritten() throws Exception {
        try (ResourceStore store = SqliteResourceStore.open(dir);
             StatusWriter writer = new StatusWriter(refusingEntriesOf(store, "vm-0"), Resources.MAPPER)) {
            for (ObjectNode o : Manifests.parse("""
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Plan
                    metadata: {name: p, namespace: default}
                    spec: {targetNamespace: t, vms: [{id: vm-0}, {id: vm-1}]}
                    """)) {
                store.create(ResourceKind.PLAN, o);
            }
            PlanKey key = new PlanKey("default", "p");
            writer.updatePlan(key, p -> {
                p.status = new Plan.Status();
                p.status.migration = new Plan.MigrationSnapshot();
                p.status.migration.vms = new ArrayList<>(List.of(entry("vm-0"), entry("vm-1")));
            }).get(5, TimeUnit.SECONDS);

            // submitted together: one batch, one item write
            CompletableFuture<Void> stale = writer.updateVm(key, "m", "vm-0", v -> v.phase = "CreateVm");
            CompletableFuture<Void> current = writer.updateVm(key, "m", "vm-1", v -> v.phase = "CreateVm");
            current.get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> stale.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.Superseded.class);
            ObjectNode stored = store.get(ResourceKind.PLAN, "default", "p").orElseThrow();
            assertThat(stored.at("/status/migration/vms/1/phase").asText()).isEqualTo("CreateVm");
            assertThat(stored.at("/status/migration/vms/0/phase").asText()).isEqualTo("Started");
            assertThat(writer.vm(key, "vm-0").orElseThrow().phase).as("the writer's copy forgets the refused change")
                    .isEqualTo("Started");
        }
    }

    private static VmStatus entry(String id) {
        VmStatus vm = new VmStatus();
        vm.id = id;
        vm.phase = "Started";
        return vm;
    }
}
