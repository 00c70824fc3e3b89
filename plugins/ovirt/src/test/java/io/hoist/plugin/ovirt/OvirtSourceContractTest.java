package io.hoist.plugin.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.VmRef;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.plugin.ovirt.testsupport.Images;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import io.hoist.plugin.ovirt.testsupport.OvirtTestHosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.SourceProviderContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The source provider contract against the oVirt test engine (recorded responses, image transfers over imageio,
 * incremental backups): vm_off's recorded 44 MiB disk holds a qemu-img image and is enabled for incremental backup,
 * so cold reads, backups with their dirty maps, and the event-log watch all run for real.
 */
class OvirtSourceContractTest extends SourceProviderContractTest {
    static final String DISK = "738dc6a9-c7ff-4bd4-8f37-d0e4fdc0ff76"; // vm_off's disk (recorded)
    static OvirtEngineTestServer engine;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        engine = new OvirtEngineTestServer();
        dir = Files.createTempDirectory("hoist-ovirt-contract");
        engine.setImage(DISK, Images.qcow2AndRaw(dir, "vm_off", 46137344L, "1M 2M 0x3c", "40M 64k 0x7e"));
        engine.setDisk(DISK, "backup", "incremental");
        engine.setDisk(DISK, "format", "cow");
    }

    @AfterAll
    static void stop() throws Exception {
        engine.close();
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @AfterEach
    void nothingLeftOpen() {
        assertThat(engine.open()).as("image transfers and backups left open by the contract's calls").isEmpty();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    protected SourceProvider openProvider(HostContextTestDouble host) {
        ProviderHttpClients http = new ProviderHttpClients();
        host.withHttp(http).withDiskIo(new EngineDiskIo(http));
        return new OvirtProviderFactory().create(OvirtTestHosts.provider(engine, Map.of()), host);
    }

    @Override
    protected VmRef knownVm() {
        return new VmRef(null, "vm_off");
    }
}
