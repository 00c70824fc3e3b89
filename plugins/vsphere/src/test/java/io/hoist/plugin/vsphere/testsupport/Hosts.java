package io.hoist.plugin.vsphere.testsupport;

import io.hoist.testkit.HostContextTestDouble;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The testkit's host double as vsphere tests use it: a temp work folder, {@link DiskIoTestDouble} and {@link HttpClientsTestDouble}. */
public final class Hosts {
    private Hosts() {}

    public static HostContextTestDouble create() {
        try {
            return new HostContextTestDouble(Files.createTempDirectory("hoist-vsphere-test"))
                    .withDiskIo(new DiskIoTestDouble()).withHttp(new HttpClientsTestDouble());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The disk reads {@code host} served (bytes read, last HTTP URL and headers). */
    public static DiskIoTestDouble diskIo(HostContextTestDouble host) {
        return (DiskIoTestDouble) host.diskIo();
    }
}
