package io.hoist.plugin.vsphere.testsupport;

import io.hoist.testkit.HostContextTestDouble;
import io.hoist.api.source.SourceDisk;
import io.hoist.plugin.vsphere.VsphereSource;
import io.hoist.plugin.vsphere.disk.DatastorePath;
import io.hoist.plugin.vsphere.inventory.Documents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Where a simulator keeps a disk's bytes, so tests write known contents and read them back through the plugin. */
public final class DatastoreFiles {
    private DatastoreFiles() {}

    /** The local flat file of {@code disk} on the simulator's LocalDS_0 (its folder created). */
    @SuppressWarnings("unchecked")
    public static Path flatFile(Vcsim sim, SourceDisk disk) throws Exception {
        HostContextTestDouble h = Hosts.create();
        try (VsphereSource s = Providers.source(sim, h)) {
            s.collectInventory(h.inventory());
            Map<String, Object> ds = h.inventory().collections.get(Documents.DATASTORES).values().stream()
                    .map(d -> (Map<String, Object>) d).filter(d -> "LocalDS_0".equals(d.get("name"))).findFirst()
                    .orElseThrow();
            Path f = Path.of((String) ds.get("url")).resolve(DatastorePath.parse(disk.name()).flatExtent().path());
            Files.createDirectories(f.getParent());
            return f;
        }
    }

    /** Fills the simulator's flat file of {@code disk} with {@code value}, its whole capacity; the bytes written. */
    public static byte[] fill(Vcsim sim, SourceDisk disk, byte value) throws Exception {
        byte[] bytes = new byte[Math.toIntExact(disk.capacity())];
        Arrays.fill(bytes, value);
        Files.write(flatFile(sim, disk), bytes);
        return bytes;
    }
}
