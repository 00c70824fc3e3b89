package io.hoist.core.store.sqlite;

import static io.hoist.core.store.ResourceStoreContractTest.plan;
import static io.hoist.core.store.ResourceStoreContractTest.vm;
import static io.hoist.core.store.ResourceStoreContractTest.vms;
import static io.hoist.core.store.ResourceStoreContractTest.withVms;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Plan's {@code status.migration.vms} and a Migration's {@code status.vms} as rows: written one by one, read whole. */
class ItemListsTest {

    @TempDir
    Path dir;

    @Test
    void itemOnlyEventsAWatcherFellBehindOnAreCoalesced() throws Exception {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            ObjectNode p = store.create(ResourceKind.PLAN, plan("p"));
            store.updateStatus(ResourceKind.PLAN, withVms(p, vm("a", "0")));
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            List<ResourceStore.WatchEvent> seen = new CopyOnWriteArrayList<>();
            try (ResourceStore.Watch w = store.watch(ResourceKind.PLAN, "ns", store.currentVersion(), e -> {
                seen.add(e);
                try {
                    release.await(30, TimeUnit.SECONDS); // a slow client: behind from its first event on
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            })) {
                for (int i = 1; i <= 50; i++) {
                    store.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("a", Integer.toString(i))));
                }
                release.countDown();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((seen.isEmpty() || !vms(seen.get(seen.size() - 1).object()).equals(List.of("50")))
                        && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
            }
            assertThat(vms(seen.get(seen.size() - 1).object())).containsExactly("50");
            assertThat(seen.size()).as("events delivered for 50 item writes").isBetween(1, 5);
            assertThat(seen).extracting(ResourceStore.WatchEvent::resourceVersion).isSorted();
        }
    }
}
