package io.hoist.plugin.ova;

import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.VmRef;
import io.hoist.plugin.ova.testing.DiskImages;
import io.hoist.plugin.ova.testing.QemuImg;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.SourceProviderContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The source provider contract over a folder with one real OVA (a qemu-img streamOptimized VMDK inside the tar). */
class OvaSourceContractTest extends SourceProviderContractTest {
    @TempDir
    static Path tmp;
    static Path root;

    @BeforeAll
    static void buildFolder() throws Exception {
        root = Files.createDirectories(tmp.resolve("share"));
        Path work = Files.createDirectories(tmp.resolve("build"));
        long size = 2L * DiskImages.BLOCK;
        Path vmdk = QemuImg.toVmdk(DiskImages.raw(work.resolve("c.raw"), size, 7), work.resolve("contract-disk1.vmdk"),
                "streamOptimized");
        String ovf = new OvfBuilder("contract").cpus(2, 1).memoryMiB(1024)
                .disk("contract-disk1.vmdk", size, OvfBuilder.VMDK).nic("VM Network", "00:50:56:aa:00:09").build();
        OvaWriter.to(root.resolve("contract.ova")).ovf("contract.ovf", ovf).file("contract-disk1.vmdk", vmdk).write();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.COLD);
    }

    @Override
    protected SourceProvider openProvider(HostContextTestDouble host) {
        ProviderConfig cfg = new ProviderConfig("uid-contract", "ns", "ova-contract", "ova", root.toString(), Map.of(), Map.of());
        return new OvaProviderFactory().create(cfg, host);
    }

    @Override
    protected VmRef knownVm() {
        return new VmRef(null, "contract");
    }
}
