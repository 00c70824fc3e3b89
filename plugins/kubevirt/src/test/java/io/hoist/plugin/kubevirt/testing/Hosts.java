package io.hoist.plugin.kubevirt.testing;

import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.transfer.RecordingDiskIo;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The testkit's host double as kubevirt tests use it: the real transfer engine ({@link EngineDiskIo}, recording the
 * TLS of each HTTP transfer) and per-provider HTTP clients, and an inventory view of what the host's own publisher
 * recorded, as the inventory of provider {@link #PROVIDER_UID} (a destination reads the source VM from there).
 */
public final class Hosts {
    public static final String PROVIDER_UID = "uid-host";

    private Hosts() {}

    public static HostContextTestDouble create(Path workDir) {
        return wire(new HostContextTestDouble(workDir));
    }

    /** Gives {@code host} the transfer engine, HTTP clients and the inventory view. */
    public static HostContextTestDouble wire(HostContextTestDouble host) {
        ProviderHttpClients http = new ProviderHttpClients();
        return host.withHttp(http).withDiskIo(new RecordingDiskIo(new EngineDiskIo(http)))
                .withInventoryView(host.inventory().view(PROVIDER_UID));
    }

    /** The TLS settings each HTTP transfer of {@code host} was opened with, by URL. */
    public static Map<URI, TlsSettings> httpTls(HostContextTestDouble host) {
        return ((RecordingDiskIo) host.diskIo()).httpTls;
    }
}
