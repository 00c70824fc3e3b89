package io.hoist.core.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events from stored status transitions on a real SQLite store: plan conditions, VM start/failure, concerns and
 * precopy retries; repeats counted on one object; nothing re-emitted after a restart; bounded retention.
 */
class EventRecorderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ResourceStore store;

    @BeforeEach
    void open() {
        store = SqliteResourceStore.open(dir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ObjectNode plan() throws Exception {
        return store.create(ResourceKind.PLAN, (ObjectNode) JSON.readTree("""
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Plan","metadata":{"name":"web","namespace":"demo"},
                 "spec":{"vms":[{"id":"vm-1","name":"db-01"}]}}"""));
    }

    private ObjectNode setStatus(String status) throws Exception {
        ObjectNode p = store.get(ResourceKind.PLAN, "demo", "web").orElseThrow();
        p.set("status", JSON.readTree(status));
        return store.updateStatus(ResourceKind.PLAN, p);
    }

    private List<ObjectNode> events(Predicate<JsonNode> which) {
        return store.list(ResourceKind.EVENT, "demo").stream().filter(which::test).toList();
    }

    private static Predicate<JsonNode> reason(String r) {
        return e -> r.equals(e.path("reason").asText());
    }

    // Each write is flushed before the next: the store hands a watcher that fell behind one coalesced event (its
    // documented behaviour), which on a loaded machine would merge two transitions these tests count one by one.
    @Test
    void transitionsFailuresConcernsAndRetriesBecomeEventsOnce() throws Exception {
        plan();
        try (EventRecorder recorder = EventRecorder.start(store)) {
            setStatus("""
                    {"conditions":[{"type":"Ready","status":"True","category":"Required","message":"The migration plan is ready."},
                                   {"type":"VMNotFound","status":"True","category":"Critical","message":"VM vm-9 not found."}]}""");
            recorder.flush();
            setStatus("""
                    {"conditions":[{"type":"Ready","status":"True","category":"Required","message":"The migration plan is ready."},
                                   {"type":"Executing","status":"True","category":"Advisory","message":"The plan is EXECUTING."}],
                     "migration":{"vms":[{"id":"vm-1","name":"db-01","started":"2026-01-01T00:00:00Z","warm":{"failures":1}}]}}""");
            recorder.flush();
            setStatus("""
                    {"conditions":[{"type":"Failed","status":"True","category":"Advisory","message":"The plan execution has FAILED."}],
                     "migration":{"vms":[{"id":"vm-1","name":"db-01","started":"2026-01-01T00:00:00Z","warm":{"failures":1},
                       "error":{"phase":"CopyDisks","reasons":["nbd: connection reset"]},
                       "conditions":[{"type":"Failed","status":"True"}]}]}}""");
            recorder.flush();
        }
        assertThat(events(reason("Ready"))).singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("Normal");
            assertThat(e.at("/involvedObject/kind").asText()).isEqualTo("Plan");
            assertThat(e.at("/involvedObject/name").asText()).isEqualTo("web");
            assertThat(e.path("message").asText()).isEqualTo("The migration plan is ready.");
            assertThat(e.path("count").asInt()).isEqualTo(1);
            assertThat(e.path("firstTimestamp").asText()).isNotEmpty();
        });
        assertThat(events(reason("VMNotFound"))).singleElement()
                .satisfies(e -> assertThat(e.path("type").asText()).isEqualTo("Warning"));
        assertThat(events(reason("Executing"))).hasSize(1);
        assertThat(events(reason("VMStarted"))).singleElement()
                .satisfies(e -> assertThat(e.path("message").asText()).isEqualTo("VM db-01 started migrating"));
        assertThat(events(reason("PrecopyRetry"))).singleElement()
                .satisfies(e -> assertThat(e.path("type").asText()).isEqualTo("Warning"));
        assertThat(events(reason("VMFailed"))).singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("Warning");
            assertThat(e.path("message").asText()).isEqualTo("VM db-01 failed in phase CopyDisks: nbd: connection reset");
        });
        assertThat(events(reason("Failed"))).hasSize(1);

        // A restart takes what is stored as the baseline: nothing is recorded twice.
        int before = store.list(ResourceKind.EVENT, "demo").size();
        try (EventRecorder again = EventRecorder.start(store)) {
            setStatus(store.get(ResourceKind.PLAN, "demo", "web").orElseThrow().get("status").toString());
            again.flush();
        }
        assertThat(store.list(ResourceKind.EVENT, "demo")).hasSize(before);
    }

    @Test
    void aConditionASourcePutsOnARunningVmIsAWarningEventAndAnotherMoveIsAnother() throws Exception {
        plan();
        String moved = """
                {"migration":{"vms":[{"id":"vm-1","name":"db-01","started":"2026-01-01T00:00:00Z",
                  "conditions":[{"type":"Pending","status":"True","category":"Advisory","message":"waiting"},
                                {"type":"VMMovedDuringMigration","status":"True","category":"Warn","reason":"HostChanged",
                                 "message":"moved from host-1 to %s"}]}]}}""";
        try (EventRecorder recorder = EventRecorder.start(store)) {
            setStatus(moved.formatted("host-2"));
            recorder.flush();
            setStatus(moved.formatted("host-2")); // the same report again: no new event
            recorder.flush();
            setStatus(moved.formatted("host-3"));
            recorder.flush();
        }
        assertThat(events(reason("VMMovedDuringMigration"))).extracting(e -> e.path("message").asText())
                .containsExactlyInAnyOrder("VM db-01: moved from host-1 to host-2", "VM db-01: moved from host-1 to host-3");
        assertThat(events(reason("VMMovedDuringMigration"))).allSatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("Warning");
            assertThat(e.at("/involvedObject/kind").asText()).isEqualTo("Plan");
        });
        assertThat(events(reason("Pending"))).isEmpty(); // Advisory VM conditions are no concern
    }

    @Test
    void aRepeatBumpsCountOnTheSameEvent() throws Exception {
        plan();
        String ready = """
                {"conditions":[{"type":"Ready","status":"True","message":"The migration plan is ready."}]}""";
        try (EventRecorder recorder = EventRecorder.start(store)) {
            setStatus(ready);
            recorder.flush();
            setStatus("""
                    {"conditions":[{"type":"Ready","status":"False","message":"not ready"}]}""");
            recorder.flush();
            setStatus(ready);
            recorder.flush();
        }
        assertThat(events(reason("Ready"))).singleElement()
                .satisfies(e -> assertThat(e.path("count").asInt()).isEqualTo(2));
    }

    @Test
    void retentionKeepsTheNewestUpToTheCapAndDropsExpired() throws Exception {
        plan();
        store.create(ResourceKind.EVENT, (ObjectNode) JSON.readTree("""
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.old","namespace":"demo"},"reason":"Old",
                 "involvedObject":{"kind":"Plan","name":"web","namespace":"demo"},"lastTimestamp":"2020-01-01T00:00:00Z"}"""));
        try (EventRecorder recorder = EventRecorder.start(store, Duration.ofHours(24), 3)) {
            recorder.prune();
            recorder.flush();
            assertThat(events(reason("Old"))).as("expired").isEmpty();
            for (int i = 0; i < 5; i++) {
                setStatus("""
                        {"conditions":[{"type":"Concern%d","status":"True","category":"Warn","message":"concern %d"}]}"""
                        .formatted(i, i));
            }
            recorder.flush();
        }
        List<ObjectNode> left = store.list(ResourceKind.EVENT, "demo");
        assertThat(left).hasSize(3);
        assertThat(left).extracting(e -> e.path("reason").asText()).contains("Concern4");
    }
}
