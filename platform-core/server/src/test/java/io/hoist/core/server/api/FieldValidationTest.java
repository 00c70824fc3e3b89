package io.hoist.core.server.api;

import static io.hoist.core.server.api.ResourceApiTest.PLANS;
import static io.hoist.core.server.api.ResourceApiTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unknown fields are pruned and named in Warning headers (Warn), refused (Strict) or dropped silently (Ignore). */
class FieldValidationTest {
    @TempDir
    static Path dir;
    static RunningServer api;

    @BeforeAll
    static void start() {
        api = RunningServer.start(dir, "demo");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static String plan(String name) {
        return "{\"apiVersion\":\"forklift.konveyor.io/v1beta1\",\"kind\":\"Plan\",\"metadata\":{\"name\":\"" + name
                + "\",\"preserveClusterCpuModel\":true},\"spec\":{\"description\":\"d\",\"bogus\":1}}";
    }

    @Test
    void warnIsTheDefaultAndPrunes() {
        Reply r = api.post(PLANS, plan("warned"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.raw().headers().allValues("Warning")).containsExactlyInAnyOrder(
                "299 - \"unknown field \\\"spec.bogus\\\"\"", "299 - \"unknown field \\\"metadata.preserveClusterCpuModel\\\"\"");
        assertThat(r.json().at("/spec").has("bogus")).isFalse();
        assertThat(api.get(PLANS + "/warned").json().at("/metadata").has("preserveClusterCpuModel")).isFalse();
        Reply patched = api.patch(PLANS + "/warned", "{\"spec\":{\"other\":true}}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.raw().headers().allValues("Warning")).containsExactly("299 - \"unknown field \\\"spec.other\\\"\"");
    }

    @Test
    void strictRefusesWith422NamingEachField() {
        Reply r = api.post(PLANS + "?fieldValidation=Strict", plan("strict"));
        assertStatus(r, 422, "Invalid");
        assertThat(r.body()).contains("spec.bogus", "metadata.preserveClusterCpuModel");
        assertThat(api.get(PLANS + "/strict").status()).isEqualTo(404);
    }

    @Test
    void ignoreDropsSilentlyAndUnknownModesAre400() {
        Reply r = api.post(PLANS + "?fieldValidation=Ignore", plan("ignored"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.raw().headers().allValues("Warning")).isEmpty();
        assertThat(r.json().at("/spec").has("bogus")).isFalse();
        assertStatus(api.post(PLANS + "?fieldValidation=Loose", plan("loose")), 400, "BadRequest");
    }
}
