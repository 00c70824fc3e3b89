package io.hoist.plugin.vsphere.testsupport;

import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.transfer.RecordingDiskIo;

/**
 * The testkit's host double as the platform hands it to this plugin: the real transfer engine's per-provider TLS
 * ({@link ProviderHttpClients}) and readers ({@link EngineDiskIo}, recorded: bytes read, the last HTTP URL and
 * headers), a work folder of its own.
 */
public final class Hosts {
    private Hosts() {}

    public static HostContextTestDouble create() {
        return wire(HostContextTestDouble.inTempDirectory("hoist-vsphere-test"));
    }

    /** Gives {@code host} the transfer engine and HTTP clients. */
    public static HostContextTestDouble wire(HostContextTestDouble host) {
        ProviderHttpClients http = new ProviderHttpClients();
        return host.withHttp(http).withDiskIo(new RecordingDiskIo(new EngineDiskIo(http)));
    }

    /** What the plugin read through {@code host} (bytes read, last HTTP URL and headers). */
    public static RecordingDiskIo diskIo(HostContextTestDouble host) {
        return (RecordingDiskIo) host.diskIo();
    }
}
