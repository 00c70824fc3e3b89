package io.hoist.plugin.ovirt.testsupport;

import io.hoist.api.provider.ProviderConfig;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.plugin.ovirt.OvirtProviderFactory;
import io.hoist.plugin.ovirt.OvirtSource;
import io.hoist.testkit.HostContextTestDouble;
import java.util.HashMap;
import java.util.Map;

/**
 * The testkit's host double as the platform hands it to this plugin: the real transfer engine's per-provider TLS
 * (ProviderHttpClients) and readers (EngineDiskIo), a work folder of its own; and Providers of the test engine.
 */
public final class OvirtTestHosts {
    private OvirtTestHosts() {}

    /** A host with the transfer engine's HTTP clients and disk I/O, and a fresh work folder. */
    public static HostContextTestDouble withTransferEngine() {
        ProviderHttpClients http = new ProviderHttpClients();
        return HostContextTestDouble.inTempDirectory("hoist-ovirt-test").withHttp(http).withDiskIo(new EngineDiskIo(http));
    }

    /** A Provider of the test engine with its CA, and these Secret keys replaced (a null value removes the key). */
    public static ProviderConfig provider(OvirtEngineTestServer engine, Map<String, String> overrides) {
        Map<String, String> secret = new HashMap<>(Map.of("user", OvirtEngineTestServer.USER,
                "password", OvirtEngineTestServer.PASSWORD, "cacert", engine.tls.caPem));
        secret.putAll(overrides);
        secret.values().removeIf(v -> v == null);
        return new ProviderConfig("uid-ovirt-1", "ns", "engine", "ovirt", engine.url, Map.of(), secret);
    }

    /** The test engine as the platform opens a Provider: through the plugin's factory. */
    public static OvirtSource source(HostContextTestDouble host, OvirtEngineTestServer engine) {
        return (OvirtSource) new OvirtProviderFactory().create(provider(engine, Map.of()), host);
    }
}
