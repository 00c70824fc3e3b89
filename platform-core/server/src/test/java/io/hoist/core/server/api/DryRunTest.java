package io.hoist.core.server.api;

import static io.hoist.core.server.api.ResourceApiTest.PLANS;
import static io.hoist.core.server.api.ResourceApiTest.assertStatus;
import static io.hoist.core.server.api.ResourceApiTest.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dryRun=All} on every write: checks run, the answer shows what would be stored, and the store's version
 * counter does not move (so nothing was written and no watcher saw an event).
 */
class DryRunTest {
    static final String SECRETS = "/api/v1/namespaces/demo/secrets";

    @TempDir
    static Path dir;
    static RunningServer api;

    @BeforeAll
    static void start() {
        api = RunningServer.start(dir, "demo");
        assertThat(api.post(PLANS, plan("kept", "as stored")).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    long version() {
        return api.server.store().currentVersion();
    }

    @Test
    void createStoresNothing() {
        long before = version();
        Reply r = api.post(PLANS + "?dryRun=All", plan("dry", "never stored"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().at("/metadata/uid").asText()).isNotEmpty();
        assertThat(r.json().at("/spec/description").asText()).isEqualTo("never stored");
        assertStatus(api.get(PLANS + "/dry"), 404, "NotFound");
        assertThat(version()).isEqualTo(before);
    }

    @Test
    void createStillRunsEveryCheck() {
        long before = version();
        assertStatus(api.post(PLANS + "?dryRun=All", plan("kept", "duplicate")), 409, "AlreadyExists");
        assertStatus(api.post(PLANS + "?dryRun=All", plan("Bad_Name", "x")), 422, "Invalid");
        assertThat(version()).isEqualTo(before);
    }

    @Test
    void replaceAndPatchChangeNothing() {
        JsonNode stored = api.get(PLANS + "/kept").json();
        long before = version();
        String edited = stored.toString().replace("as stored", "replaced");
        Reply put = api.put(PLANS + "/kept?dryRun=All", edited);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().at("/spec/description").asText()).isEqualTo("replaced");
        assertThat(put.json().at("/metadata/generation").asInt()).isEqualTo(stored.at("/metadata/generation").asInt() + 1);

        Reply patch = api.patch(PLANS + "/kept?dryRun=All", "{\"metadata\":{\"labels\":{\"team\":\"a\"}}}");
        assertThat(patch.status()).as(patch.body()).isEqualTo(200);
        assertThat(patch.json().at("/metadata/labels/team").asText()).isEqualTo("a");

        assertThat(api.get(PLANS + "/kept").json()).isEqualTo(stored);
        assertThat(version()).isEqualTo(before);
        // a stale resourceVersion conflicts in a dry run as it would for real
        String stale = edited.replace("\"resourceVersion\":\"" + stored.at("/metadata/resourceVersion").asText() + "\"",
                "\"resourceVersion\":\"987654\"");
        assertStatus(api.put(PLANS + "/kept?dryRun=All", stale), 409, "Conflict");
    }

    @Test
    void deleteKeepsTheObject() {
        long before = version();
        Reply r = api.delete(PLANS + "/kept?dryRun=All");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/metadata/name").asText()).isEqualTo("kept");
        assertThat(api.get(PLANS + "/kept").status()).isEqualTo(200);
        assertStatus(api.delete(PLANS + "/missing?dryRun=All"), 404, "NotFound");
        // kubectl delete --dry-run=server puts it in the DeleteOptions body
        Reply options = api.send(api.request(PLANS + "/kept").header("Content-Type", "application/json").method("DELETE",
                java.net.http.HttpRequest.BodyPublishers.ofString("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}")).build());
        assertThat(options.status()).as(options.body()).isEqualTo(200);
        assertThat(api.get(PLANS + "/kept").status()).isEqualTo(200);
        assertStatus(api.send(api.request(PLANS + "/kept").header("Content-Type", "application/json").method("DELETE",
                java.net.http.HttpRequest.BodyPublishers.ofString("{\"dryRun\":[\"Some\"]}")).build()), 400, "BadRequest");
        assertThat(version()).isEqualTo(before);
    }

    @Test
    void secretsDryRunIsRedactedAndUnstored() {
        long before = version();
        Reply r = api.post(SECRETS + "?dryRun=All",
                "{\"metadata\":{\"name\":\"creds\"},\"stringData\":{\"password\":\"hunter2-dry\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.body()).doesNotContain("hunter2-dry").doesNotContain("aHVudGVyMi1kcnk");
        assertStatus(api.get(SECRETS + "/creds"), 404, "NotFound");
        assertThat(version()).isEqualTo(before);
    }

    @Test
    void unknownDryRunValuesAreRefused() {
        long before = version();
        assertStatus(api.post(PLANS + "?dryRun=true", plan("odd", "x")), 400, "BadRequest");
        assertStatus(api.delete(PLANS + "/kept?dryRun=Server"), 400, "BadRequest");
        assertStatus(api.patch(PLANS + "/kept?dryRun=", "{}"), 400, "BadRequest");
        assertThat(api.get(PLANS + "/odd").status()).isEqualTo(404);
        assertThat(version()).isEqualTo(before);
    }
}
