package io.hoist.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ProviderUrlsTest {
    private static final Function<URI, String> SDK_PATH =
            u -> u.getPath().endsWith("/sdk") ? null : "path must be /sdk, got '" + u.getPath() + "'";

    private static String httpsOnly(String url) {
        return ProviderUrls.problem(url, "https://<host>/sdk", false, SDK_PATH);
    }

    @Test
    void aGoodUrlHasNoProblem() {
        assertThat(httpsOnly("https://vcenter.example.com/sdk")).isNull();
        assertThat(httpsOnly("  HTTPS://10.0.0.1:8443/sdk ")).isNull();
    }

    @Test
    void eachGenericProblemIsNamedWithWhatIsExpected() {
        assertThat(httpsOnly(null)).isEqualTo("is empty; expected https://<host>/sdk");
        assertThat(httpsOnly(" ")).isEqualTo("is empty; expected https://<host>/sdk");
        assertThat(httpsOnly("https://bad host/sdk")).startsWith("is not a URL (").endsWith("); expected https://<host>/sdk");
        assertThat(httpsOnly("http://vcenter/sdk")).isEqualTo("must use https, got 'http'; expected https://<host>/sdk");
        assertThat(httpsOnly("vcenter/sdk")).isEqualTo("must use https, got 'null'; expected https://<host>/sdk");
        assertThat(httpsOnly("https:///sdk")).isEqualTo("has no host; expected https://<host>/sdk");
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutEchoingThem() {
        String problem = httpsOnly("https://admin:s3cret@vcenter/sdk");
        assertThat(problem).isEqualTo("must not carry credentials; put them in the Secret").doesNotContain("s3cret");
    }

    @Test
    void thePathCheckIsTheProvidersAndRunsLast() {
        assertThat(httpsOnly("https://vcenter/api")).isEqualTo("path must be /sdk, got '/api'");
        // the generic problem wins over the path one
        assertThat(httpsOnly("http://vcenter/api")).startsWith("must use https");
    }

    @Test
    void httpIsAcceptedOnlyWhereAllowed() {
        Function<URI, String> anyPath = u -> null;
        assertThat(ProviderUrls.problem("http://keystone:5000/v3", "a Keystone URL", true, anyPath)).isNull();
        assertThat(ProviderUrls.problem("ftp://keystone/v3", "a Keystone URL", true, anyPath))
                .isEqualTo("must use https (or http), got 'ftp'; expected a Keystone URL");
        assertThat(ProviderUrls.problem("http://keystone:5000/v3", "a Keystone URL", false, anyPath))
                .isEqualTo("must use https, got 'http'; expected a Keystone URL");
    }
}
