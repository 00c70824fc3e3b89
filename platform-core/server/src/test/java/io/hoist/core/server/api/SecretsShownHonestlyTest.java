package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Secret's reader may know: its keys, each value's real size, a keyed digest to compare, its type. */
class SecretsShownHonestlyTest {
    static final String SECRETS = "/api/v1/namespaces/demo/secrets";

    @TempDir
    Path dir;

    static String secret(String password) {
        return "{\"metadata\":{\"name\":\"vc\",\"annotations\":{\"" + SecretData.SIZES + "\":\"forged\"}},"
                + "\"stringData\":{\"user\":\"admin\",\"password\":\"" + password + "\"}}";
    }

    @Test
    void sizesDigestAndOpaqueDefault() {
        try (RunningServer api = RunningServer.start(dir, "demo")) {
            Reply created = api.post(SECRETS, secret("twelve-chars"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            JsonNode ann = created.json().at("/metadata/annotations");
            assertThat(ann.get(SecretData.SIZES).asText()).isEqualTo("{\"password\":12,\"user\":5}");
            assertThat(created.json().get("type").asText()).isEqualTo("Opaque");
            assertThat(created.body()).doesNotContain("twelve-chars");
            // the annotations are computed on read: a client's own copy of them is never stored
            JsonNode stored = api.server.store().get(ResourceKind.SECRET, "demo", "vc").orElseThrow();
            assertThat(stored.path("metadata").has("annotations")).as(stored.toString()).isFalse();
            assertThat(stored.get("type").asText()).isEqualTo("Opaque");

            String digest = ann.get(SecretData.DIGEST).asText();
            assertThat(digest).hasSize(64);
            assertThat(api.get(SECRETS + "/vc").json().at("/metadata/annotations").get(SecretData.DIGEST).asText())
                    .isEqualTo(digest);
            // a dry run of the same data gives the same digest; of other data, another one
            Reply same = api.put(SECRETS + "/vc?dryRun=All", secret("twelve-chars"));
            assertThat(same.status()).as(same.body()).isEqualTo(200);
            assertThat(same.json().at("/metadata/annotations").get(SecretData.DIGEST).asText()).isEqualTo(digest);
            Reply other = api.put(SECRETS + "/vc?dryRun=All", secret("twelve-charz"));
            assertThat(other.json().at("/metadata/annotations").get(SecretData.DIGEST).asText()).isNotEqualTo(digest);
            assertThat(other.json().at("/metadata/annotations").get(SecretData.SIZES).asText())
                    .isEqualTo("{\"password\":12,\"user\":5}");
        }
    }
}
