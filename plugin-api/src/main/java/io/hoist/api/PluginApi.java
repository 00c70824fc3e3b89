package io.hoist.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this API. Plugins name it in their manifest's {@code Plugin-Requires}; the host refuses a mismatch. */
public final class PluginApi {
    private PluginApi() {}

    /** Semantic version of the plugin API, filtered in from the build. */
    public static final String VERSION = readVersion();

    private static String readVersion() {
        try (InputStream in = PluginApi.class.getResourceAsStream("plugin-api.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
