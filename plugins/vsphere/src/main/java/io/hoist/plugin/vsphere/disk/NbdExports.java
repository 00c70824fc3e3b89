package io.hoist.plugin.vsphere.disk;

import java.io.IOException;
import java.net.URI;

/**
 * Starts an NBD export of one disk as a snapshot sees it, for the transfer engine's NBD reader.
 * In production this is nbdkit's vddk plugin ({@link VddkNbdExports}); VDDK is proprietary and
 * cannot be shipped or fetched here, so tests serve a local image with nbdkit's file plugin instead.
 */
public interface NbdExports {
    /** What to export: the VM, the snapshot, the disk file as the snapshot names it, and where. */
    record Request(String vmMoRef, String snapshotMoRef, String diskFile, String server, String thumbprint) {}

    /** A running export; closing it stops the server. */
    interface Export extends AutoCloseable {
        URI uri();

        @Override
        void close();
    }

    Export open(Request request) throws IOException;
}
