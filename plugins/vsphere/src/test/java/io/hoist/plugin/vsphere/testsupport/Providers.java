package io.hoist.plugin.vsphere.testsupport;

import io.hoist.testkit.HostContextTestDouble;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.plugin.vsphere.VsphereProviderFactory;
import io.hoist.api.source.SourceProvider;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.soap.VimSoapClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** Providers and admin sessions pointed at a simulator. */
public final class Providers {
    private Providers() {}

    public static ProviderConfig config(Vcsim vcsim) throws Exception {
        return new ProviderConfig("uid-" + vcsim.hashCode(), "ns", "vc", "vsphere", vcsim.url, Map.of(),
                Map.of("user", Vcsim.USER, "password", Vcsim.PASSWORD, "cacert", vcsim.caPem()));
    }

    /** A source created through the PF4J extension, as the host does. */
    public static <T extends SourceProvider> T source(Vcsim vcsim, HostContextTestDouble host) throws Exception {
        @SuppressWarnings("unchecked")
        T t = (T) new VsphereProviderFactory().create(config(vcsim), host);
        return t;
    }

    /** A separate session acting as a vSphere admin changing things behind the provider's back. */
    public static VimSession admin(Vcsim vcsim) throws Exception {
        TlsSettings tls = new TlsSettings(vcsim.caPem(), null, false);
        VimSoapClient soap = new VimSoapClient(URI.create(vcsim.url),
                new ProviderHttpClients().client(tls, Duration.ofSeconds(10)), Duration.ofSeconds(30), "6.0");
        return VimSession.login(soap, Vcsim.USER, Vcsim.PASSWORD);
    }
}
