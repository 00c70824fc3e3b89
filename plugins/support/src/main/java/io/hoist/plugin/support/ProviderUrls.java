package io.hoist.plugin.support;

import static io.hoist.plugin.support.ConfigValues.blank;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.function.Function;

/** The checks every provider URL gets: a URL, https (or http where allowed), a host, no credentials in it. */
public final class ProviderUrls {
    private ProviderUrls() {}

    /**
     * The URL's first problem in words for a condition or a 422, or null when it has none.
     *
     * @param expected    what a good URL looks like, appended as "; expected ..." to the generic problems
     * @param allowHttp   true where plain http is accepted (a lab Keystone); TLS settings then do not apply
     * @param pathProblem the provider's own check of the parsed URL's path, null when the path is right
     */
    public static String problem(String url, String expected, boolean allowHttp, Function<URI, String> pathProblem) {
        String hint = "; expected " + expected;
        if (blank(url)) {
            return "is empty" + hint;
        }
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            return "is not a URL (" + e.getReason() + ")" + hint;
        }
        boolean https = "https".equalsIgnoreCase(u.getScheme());
        if (!https && !(allowHttp && "http".equalsIgnoreCase(u.getScheme()))) {
            return "must use https" + (allowHttp ? " (or http)" : "") + ", got '" + u.getScheme() + "'" + hint;
        }
        if (blank(u.getHost())) {
            return "has no host" + hint;
        }
        // a password in the URL would be stored in the Provider and shown by every GET of it
        if (u.getUserInfo() != null) {
            return "must not carry credentials; put them in the Secret";
        }
        return pathProblem.apply(u);
    }
}
