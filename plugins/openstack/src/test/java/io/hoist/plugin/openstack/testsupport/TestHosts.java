package io.hoist.plugin.openstack.testsupport;

import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.testkit.HostContextTestDouble;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The testkit's host double with the platform's real transfer engine and per-provider TLS (what Glance reads need). */
public final class TestHosts {
    private TestHosts() {}

    public static HostContextTestDouble withTransferEngine() {
        try {
            ProviderHttpClients http = new ProviderHttpClients();
            return new HostContextTestDouble(Files.createTempDirectory("hoist-openstack-test"))
                    .withHttp(http).withDiskIo(new EngineDiskIo(http));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
