package io.hoist.plugin.vsphere;

import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.VmRef;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.plugin.vsphere.disk.DatastorePath;
import io.hoist.plugin.vsphere.inventory.Documents;
import io.hoist.plugin.vsphere.testsupport.CbtSoapReplayTestServer;
import io.hoist.plugin.vsphere.testsupport.FileNbdExportsForTests;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.SourceProviderContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The source provider contract against govmomi's vCenter simulator (real snapshots, property collector) with CBT on,
 * behind the CBT replay server that answers QueryChangedDiskAreas (which the simulator lacks).
 */
class VsphereSourceContractTest extends SourceProviderContractTest {
    static Vcsim vcsim;
    static CbtSoapReplayTestServer replay;
    static boolean flatWritten;

    @BeforeAll
    static void start() throws Exception {
        vcsim = Vcsim.start("-vm", "1", "-cluster", "0", "-host", "1", "-cbt");
        replay = new CbtSoapReplayTestServer(vcsim);
    }

    @AfterAll
    static void stop() {
        replay.close();
        vcsim.close();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    protected SourceProvider openProvider(HostContextTestDouble host) throws Exception {
        Hosts.wire(host);
        VsphereSource src = (VsphereSource) new VsphereProviderFactory().create(new ProviderConfig("uid-contract", "ns", "vc",
                "vsphere", replay.url(), Map.of(), Map.of("user", Vcsim.USER, "password", Vcsim.PASSWORD, "cacert", replay.caPem())), host);
        // Snapshot disks are read over NBD from nbdkit's vddk plugin, which cannot be had here: nbdkit's file plugin
        // serves an image of the disk's size in its place (as VsphereWarmTest does).
        var vm = src.describe(knownVm()).orElseThrow();
        if (!flatWritten) {
            // vcsim keeps datastore files in a local folder and creates flat extents empty: give the disk its bytes
            src.collectInventory(host.inventory());
            var disk = vm.disks().get(0);
            String dsDir = (String) host.inventory().doc(Documents.DATASTORES, disk.storageId()).get("url");
            byte[] bytes = new byte[(int) disk.capacity()];
            new Random(42).nextBytes(bytes);
            Files.write(Path.of(dsDir).resolve(DatastorePath.parse(disk.name()).flatExtent().path()), bytes);
            flatWritten = true;
        }
        Path image = host.workDir().resolve("snapshot.img");
        byte[] content = new byte[(int) vm.disks().get(0).capacity()];
        new Random(7).nextBytes(content);
        Files.write(image, content);
        src.setNbdExports(new FileNbdExportsForTests(image, host.workDir()));
        src.setHostAddress(vm.hostId(), "192.0.2.10");
        return src;
    }

    @Override
    protected VmRef knownVm() {
        return new VmRef(null, "DC0_H0_VM0");
    }
}
