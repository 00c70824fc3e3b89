package io.hoist.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.inventory.InventoryPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryTest {
    private final Inventory inventory = new Inventory();
    private final List<InventoryEvent> events = new ArrayList<>();
    private final ProviderRef ref = new ProviderRef("uid-1", "ns", "vcenter", "vsphere");

    record Vm(String id, String name, int cpus) {}

    @Test
    void documentRevisionMovesOnlyWhenContentChanges() {
        inventory.addListener(events::add);
        InventoryPublisher pub = inventory.register(ref);
        pub.beginCollection();
        pub.put("vms", "vm-1", "web", new Vm("vm-1", "web", 2));
        pub.endCollection();
        long providerRevision = inventory.revision("uid-1");

        pub.put("vms", "vm-1", "web", new Vm("vm-1", "web", 2));
        assertThat(inventory.get("uid-1", "vms", "vm-1").orElseThrow()).containsEntry("revision", 1L);
        assertThat(inventory.revision("uid-1")).isEqualTo(providerRevision);

        pub.put("vms", "vm-1", "web", new Vm("vm-1", "web", 4));
        assertThat(inventory.get("uid-1", "vms", "vm-1").orElseThrow())
                .containsEntry("revision", 2L).containsEntry("cpus", 4);
        assertThat(inventory.revision("uid-1")).isGreaterThan(providerRevision);

        assertThat(events).extracting(InventoryEvent::type).containsExactly(
                InventoryEvent.Type.ADDED, InventoryEvent.Type.COLLECTED, InventoryEvent.Type.UPDATED);
        assertThat(events.get(2).revision()).isEqualTo(2);
        assertThat(events.get(2).id()).isEqualTo("vm-1");
    }

    @Test
    void fullCollectionSweepsDocumentsItDidNotSee() {
        InventoryPublisher pub = inventory.register(ref);
        pub.beginCollection();
        pub.put("vms", "vm-1", "web", Map.of("cpus", 1));
        pub.put("vms", "vm-2", "db", Map.of("cpus", 1));
        pub.putWorkload("vm-2", Map.of("cpus", 1));
        pub.endCollection();
        inventory.addListener(events::add);

        pub.beginCollection();
        pub.put("vms", "vm-1", "web", Map.of("cpus", 1));
        pub.endCollection();

        assertThat(inventory.list("uid-1", "vms").orElseThrow()).extracting(InventoryDocument::id).containsExactly("vm-1");
        assertThat(inventory.workload("uid-1", "vm-2")).isEmpty();
        assertThat(events).filteredOn(e -> e.type() == InventoryEvent.Type.DELETED)
                .extracting(InventoryEvent::collection, InventoryEvent::id)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("vms", "vm-2"),
                        org.assertj.core.groups.Tuple.tuple("workloads", "vm-2"));
    }

    @Test
    void findsByIdThenByName() {
        InventoryPublisher pub = inventory.register(ref);
        pub.put("vms", "vm-1", "web", Map.of());
        pub.put("vms", "vm-2", "vm-1", Map.of());
        assertThat(inventory.find("uid-1", "vms", "vm-1").orElseThrow()).containsEntry("id", "vm-1");
        assertThat(inventory.find("uid-1", "vms", "web").orElseThrow()).containsEntry("id", "vm-1");
        assertThat(inventory.find("uid-1", "vms", "nope")).isEmpty();
        assertThat(inventory.find("other", "vms", "web")).isEmpty();
    }

    @Test
    void listenerFailureDoesNotStopPublishing() {
        inventory.addListener(e -> { throw new IllegalStateException("listener bug"); });
        inventory.addListener(events::add);
        InventoryPublisher pub = inventory.register(ref);
        pub.put("vms", "vm-1", "web", Map.of());
        assertThat(events).hasSize(1);
        assertThat(inventory.get("uid-1", "vms", "vm-1")).isPresent();
    }

    @Test
    void rejectsDocumentsThatAreNotObjectsAndReservedCollections() {
        InventoryPublisher pub = inventory.register(ref);
        assertThatThrownBy(() -> pub.put("vms", "vm-1", "web", "just a string"))
                .hasMessageContaining("vms/vm-1").hasMessageContaining("JSON object");
        assertThatThrownBy(() -> pub.put("workloads", "vm-1", "web", Map.of()))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> pub.put("vms", "a/b", "web", Map.of()))
                .hasMessageContaining("id");
    }

    @Test
    void failureIsKeptWithReasonAndUnregisterDropsEverything() {
        InventoryPublisher pub = inventory.register(ref);
        pub.beginCollection();
        pub.fail("connection refused");
        ProviderStatus status = inventory.provider("uid-1").orElseThrow();
        assertThat(status.phase()).isEqualTo(InventoryPhase.FAILED);
        assertThat(status.failure()).isEqualTo("connection refused");
        assertThat(status.synced()).isFalse();

        inventory.addListener(events::add);
        assertThat(inventory.unregister("uid-1")).isTrue();
        assertThat(inventory.provider("uid-1")).isEmpty();
        assertThat(events).extracting(InventoryEvent::type).containsExactly(InventoryEvent.Type.PROVIDER_REMOVED);
    }

    @Test
    void annotationsKeepTheRevisionAndSurviveRepublication() {
        InventoryPublisher pub = inventory.register(ref);
        pub.put("vms", "vm-1", "web", Map.of("cpus", 2, "concerns", List.of()));
        inventory.addListener(events::add);
        List<Map<String, Object>> concerns = List.of(Map.of("id", "vmware.tpm.detected", "category", "Warning"));

        assertThat(inventory.annotate("uid-1", "vms", "vm-1", "concerns", concerns)).isTrue();
        assertThat(inventory.get("uid-1", "vms", "vm-1").orElseThrow())
                .containsEntry("revision", 1L).containsEntry("concerns", concerns).containsEntry("cpus", 2);
        // readers (the plan controller) hear of it, with the document's unchanged revision
        assertThat(events).extracting(InventoryEvent::type).containsExactly(InventoryEvent.Type.ANNOTATED);
        assertThat(events.get(0).revision()).isEqualTo(1);
        events.clear();
        // the same value again is not a change
        assertThat(inventory.annotate("uid-1", "vms", "vm-1", "concerns", concerns)).isTrue();
        assertThat(events).isEmpty();

        // the plugin re-publishes the same content (with its empty concerns): nothing moves, concerns stay
        pub.put("vms", "vm-1", "web", Map.of("cpus", 2, "concerns", List.of()));
        assertThat(events).isEmpty();
        assertThat(inventory.get("uid-1", "vms", "vm-1").orElseThrow()).containsEntry("concerns", concerns);

        // a real change bumps the revision and keeps the annotation until the validator replaces it
        pub.put("vms", "vm-1", "web", Map.of("cpus", 4, "concerns", List.of()));
        assertThat(inventory.get("uid-1", "vms", "vm-1").orElseThrow())
                .containsEntry("revision", 2L).containsEntry("cpus", 4).containsEntry("concerns", concerns);
        assertThat(events).extracting(InventoryEvent::type).containsExactly(InventoryEvent.Type.UPDATED);

        // removed and re-added: the old annotation is gone
        pub.remove("vms", "vm-1");
        pub.put("vms", "vm-1", "web", Map.of("cpus", 4, "concerns", List.of()));
        assertThat(inventory.get("uid-1", "vms", "vm-1").orElseThrow()).containsEntry("concerns", List.of());

        assertThat(inventory.annotate("uid-1", "vms", "vm-9", "concerns", concerns)).isFalse();
        assertThat(inventory.annotate("nope", "vms", "vm-1", "concerns", concerns)).isFalse();
    }
}
