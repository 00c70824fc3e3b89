package io.hoist.plugin.openstack.testsupport;

import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.testkit.HostContextTestDouble;

/** The testkit's host double with the platform's real transfer engine and per-provider TLS (what Glance reads need). */
public final class TestHosts {
    private TestHosts() {}

    public static HostContextTestDouble withTransferEngine() {
        ProviderHttpClients http = new ProviderHttpClients();
        return HostContextTestDouble.inTempDirectory("hoist-openstack-test").withHttp(http).withDiskIo(new EngineDiskIo(http));
    }
}
