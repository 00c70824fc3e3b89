package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.VirtualMachineConfigSpec;
import com.vmware.vim25.VirtualMachineSnapshotInfo;
import com.vmware.vim25.VirtualMachineSnapshotTree;
import io.hoist.api.HoistException;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import io.hoist.plugin.vsphere.disk.NbdExports;
import io.hoist.plugin.vsphere.disk.VddkNbdExports;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.soap.VimSoapClient.Arg;
import io.hoist.plugin.vsphere.testsupport.CbtSoapReplayTestServer;
import io.hoist.plugin.vsphere.testsupport.FileNbdExportsForTests;
import io.hoist.plugin.vsphere.testsupport.Providers;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Warm-migration source side: snapshots on a real vCenter simulator (with CBT flags), changed areas
 * from hand-written SOAP (vcsim has no QueryChangedDiskAreas), snapshot disks over NBD from nbdkit's
 * file plugin standing in for the vddk plugin.
 */
class VsphereWarmTest {
    static Vcsim vcsim;
    static CbtSoapReplayTestServer replay;
    static final String VM_NAME = "DC0_H0_VM0";
    static final String OTHER_VM = "DC0_H0_VM1";
    final HostContextTestDouble host = Hosts.create();

    @BeforeAll
    static void start() throws Exception {
        vcsim = Vcsim.start("-vm", "2", "-cluster", "0", "-host", "1", "-cbt");
        replay = new CbtSoapReplayTestServer(vcsim);
    }

    @AfterAll
    static void stop() {
        replay.close();
        vcsim.close();
    }

    @AfterEach
    void noSnapshotLeftBehind() throws Exception {
        VimSession admin = admin();
        for (String name : List.of(VM_NAME, OTHER_VM)) {
            assertThat(snapshotNames(admin, name)).as("snapshots of " + name).isEmpty();
        }
        admin.logout();
    }

    VsphereSource source(Map<String, String> settings) throws Exception {
        return new VsphereSource(new ProviderConfig("uid-warm", "ns", "vc", "vsphere", replay.url(), settings,
                Map.of("user", Vcsim.USER, "password", Vcsim.PASSWORD, "cacert", replay.caPem())), host);
    }

    static VimSession admin() throws Exception {
        return Providers.admin(vcsim);
    }

    static ManagedObjectReference vmRef(VimSession s, String name) throws Exception {
        try (VsphereSource src = Providers.source(vcsim, Hosts.create())) {
            return VimSession.mor("VirtualMachine", src.describe(new VmRef(null, name)).orElseThrow().id());
        }
    }

    static List<String> snapshotNames(VimSession s, String vmName) throws Exception {
        Object info = s.property(vmRef(s, vmName), "snapshot");
        List<String> names = new ArrayList<>();
        if (info instanceof VirtualMachineSnapshotInfo i && i.getRootSnapshotList() != null) {
            collect(i.getRootSnapshotList(), names);
        }
        return names;
    }

    private static void collect(VirtualMachineSnapshotTree[] trees, List<String> names) {
        for (VirtualMachineSnapshotTree t : trees) {
            names.add(t.getName());
            if (t.getChildSnapshotList() != null) {
                collect(t.getChildSnapshotList(), names);
            }
        }
    }

    @Test
    void precopyLoopCopiesOnlyChangedAreasFromEachSnapshot() throws Exception {
        try (VsphereSource src = source(Map.of())) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            SourceDisk disk = vm.disks().get(0);
            replay.capacity = disk.capacity();
            replay.pageBytes = 256 * 1024; // vCenter pages its answers; so does the replay
            replay.changedAreasSince = id -> id.equals("*")
                    ? List.of(new long[] {0, 65536}, new long[] {300_000, 200_000})
                    : List.of(new long[] {4096, 4096}, new long[] {700_000, 10_000});

            // initial snapshot: everything allocated
            SnapshotRef first = src.createSnapshot(vm, "hoist precopy 1");
            assertThat(first.id()).startsWith("snapshot-");
            assertThat(first.changeIds()).containsEntry(disk.id(), "cbt-" + first.id());
            List<Extent> all = src.changedAreas(vm, disk, null, first);
            assertThat(all).containsExactly(Extent.data(0, 65536), Extent.data(300_000, 200_000));
            assertThat(replay.queries).extracting(CbtSoapReplayTestServer.Query::changeId).containsOnly("*");
            assertThat(replay.queries).extracting(CbtSoapReplayTestServer.Query::startOffset)
                    .containsExactly(0L, 262_144L, 524_288L, 786_432L);
            src.removeSnapshot(vm, first);
            replay.queries.clear();

            // next precopy: only what changed since the first snapshot's change id
            SnapshotRef second = src.createSnapshot(vm, "hoist precopy 2");
            List<Extent> delta = src.changedAreas(vm, disk, first, second);
            assertThat(delta).containsExactly(Extent.data(4096, 4096), Extent.data(700_000, 10_000));
            assertThat(replay.queries).allSatisfy(q -> {
                assertThat(q.changeId()).isEqualTo("cbt-" + first.id());
                assertThat(q.snapshot()).isEqualTo(second.id());
                assertThat(q.vm()).isEqualTo(vm.id());
                assertThat(q.deviceKey()).isEqualTo(Integer.parseInt(disk.id()));
            });

            // the snapshot's disk over NBD (nbdkit file plugin in VDDK's place): read only the changed areas
            Path image = host.workDir().resolve("snapshot.img");
            byte[] content = new byte[(int) disk.capacity()];
            new Random(7).nextBytes(content);
            Files.write(image, content);
            FileNbdExportsForTests exports = new FileNbdExportsForTests(image, host.workDir());
            src.setNbdExports(exports);
            src.setHostAddress(vm.hostId(), "192.0.2.10");
            long before = Hosts.diskIo(host).bytesRead.get();
            try (DiskReader r = src.openDisk(vm, disk, second)) {
                assertThat(r.size()).isEqualTo(content.length);
                for (Extent e : delta) {
                    ByteBuffer buf = ByteBuffer.allocate((int) e.length());
                    r.read(e.offset(), buf);
                    assertThat(buf.array()).isEqualTo(Arrays.copyOfRange(content, (int) e.offset(), (int) e.end()));
                }
            }
            assertThat(Hosts.diskIo(host).bytesRead.get() - before).isEqualTo(4096 + 10_000);
            NbdExports.Request req = exports.requests.get(0);
            assertThat(req.vmMoRef()).isEqualTo(vm.id());
            assertThat(req.snapshotMoRef()).isEqualTo(second.id());
            assertThat(req.diskFile()).startsWith("[LocalDS_0] " + VM_NAME + "/");
            assertThat(req.server()).isEqualTo("192.0.2.10"); // the Host resource's migration-network IP
            src.removeSnapshot(vm, second);
            src.removeSnapshot(vm, second); // idempotent for cleanup paths
        }
    }

    @Test
    void refusesVmsWithoutChangedBlockTracking() throws Exception {
        VimSession admin = admin();
        ManagedObjectReference other = vmRef(admin, OTHER_VM);
        VirtualMachineConfigSpec spec = new VirtualMachineConfigSpec();
        spec.setChangeTrackingEnabled(Boolean.FALSE);
        admin.waitForTask(admin.invoke("ReconfigVM_Task", other, ManagedObjectReference.class,
                new Arg("spec", "VirtualMachineConfigSpec", spec)), Duration.ofSeconds(30));
        try (VsphereSource src = source(Map.of())) {
            SourceVm vm = src.describe(new VmRef(null, OTHER_VM)).orElseThrow();
            assertThatThrownBy(() -> src.createSnapshot(vm, "x")).isInstanceOf(HoistException.class)
                    .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("VMMissingChangedBlockTracking"))
                    .hasMessageContaining("changed block tracking");
        } finally {
            spec.setChangeTrackingEnabled(Boolean.TRUE);
            admin.waitForTask(admin.invoke("ReconfigVM_Task", other, ManagedObjectReference.class,
                    new Arg("spec", "VirtualMachineConfigSpec", spec)), Duration.ofSeconds(30));
            admin.logout();
        }
    }

    @Test
    void refusesVmsWithTheirOwnSnapshotsAndCleansUpLeftoversOfOurs() throws Exception {
        VimSession admin = admin();
        ManagedObjectReference ref = vmRef(admin, VM_NAME);
        ManagedObjectReference userSnap = (ManagedObjectReference) admin.waitForTask(admin.invoke("CreateSnapshot_Task",
                ref, ManagedObjectReference.class, new Arg("name", "String", "before-upgrade"),
                new Arg("memory", "boolean", false), new Arg("quiesce", "boolean", false)), Duration.ofSeconds(30));
        try (VsphereSource src = source(Map.of())) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            assertThatThrownBy(() -> src.createSnapshot(vm, "x"))
                    .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("VMHasSnapshots"))
                    .hasMessageContaining("before-upgrade");
            admin.waitForTask(admin.invoke("RemoveSnapshot_Task", userSnap, ManagedObjectReference.class,
                    new Arg("removeChildren", "boolean", false)), Duration.ofSeconds(30));

            // a snapshot of ours left by a crash is removed before the next one is taken
            admin.waitForTask(admin.invoke("CreateSnapshot_Task", ref, ManagedObjectReference.class,
                    new Arg("name", "String", VsphereSource.SNAPSHOT_PREFIX + "-leftover"),
                    new Arg("memory", "boolean", false), new Arg("quiesce", "boolean", false)), Duration.ofSeconds(30));
            SnapshotRef snap = src.createSnapshot(vm, "after crash");
            assertThat(snapshotNames(admin, VM_NAME)).hasSize(1).allMatch(n -> n.startsWith(VsphereSource.SNAPSHOT_PREFIX)
                    && !n.endsWith("-leftover"));
            src.removeSnapshot(vm, snap);
        } finally {
            admin.logout();
        }
    }

    @Test
    void aSnapshotSomeoneElseTakesDuringTheMigrationIsReportedAsSuch() throws Exception {
        VimSession admin = admin();
        ManagedObjectReference ref = vmRef(admin, VM_NAME);
        try (VsphereSource src = source(Map.of())) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            SnapshotRef ours = src.createSnapshot(vm, "precopy 1");
            ManagedObjectReference theirs = (ManagedObjectReference) admin.waitForTask(admin.invoke("CreateSnapshot_Task",
                    ref, ManagedObjectReference.class, new Arg("name", "String", "ops-nightly-backup"),
                    new Arg("memory", "boolean", false), new Arg("quiesce", "boolean", false)), Duration.ofSeconds(30));
            assertThatThrownBy(() -> src.createSnapshot(vm, "precopy 2"))
                    .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("VMSnapshottedDuringMigration"))
                    .hasMessageContaining("ops-nightly-backup");
            // ... and a Critical condition on the VM's status, not only the precopy's error
            assertThat(host.vmChanges).filteredOn(c -> c.type().equals("VMSnapshottedDuringMigration")).singleElement()
                    .satisfies(c -> {
                        assertThat(c.vmId()).isEqualTo(vm.id());
                        assertThat(c.category()).isEqualTo(io.hoist.api.Condition.Category.Critical);
                        assertThat(c.reason()).isEqualTo("ForeignSnapshot");
                        assertThat(c.message()).contains("ops-nightly-backup");
                    });
            admin.waitForTask(admin.invoke("RemoveSnapshot_Task", theirs, ManagedObjectReference.class,
                    new Arg("removeChildren", "boolean", false)), Duration.ofSeconds(30));
            src.removeSnapshot(vm, ours);
        } finally {
            admin.logout();
        }
    }

    @Test
    void reportsRetryLimitWhenSnapshotsCanNoLongerBeCreated() throws Exception {
        replay.createSnapshotFailuresLeft.set(2);
        try (VsphereSource src = source(Map.of("snapshotRetries", "1"))) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            assertThatThrownBy(() -> src.createSnapshot(vm, "x"))
                    .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("WarmImportRetryLimitReached"))
                    .hasMessageContaining("warm import retry limit reached").hasMessageContaining("DISKFULL");
        } finally {
            replay.createSnapshotFailuresLeft.set(0);
        }
        // one failure within the limit is retried and succeeds
        replay.createSnapshotFailuresLeft.set(1);
        try (VsphereSource src = source(Map.of("snapshotRetries", "1"))) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            SnapshotRef s = src.createSnapshot(vm, "x");
            src.removeSnapshot(vm, s);
        }
    }

    @Test
    void vddkExportKeepsThePasswordOffTheCommandLine() throws Exception {
        VddkNbdExports vddk = new VddkNbdExports(Path.of("/opt/vmware-vix-disklib-distrib"), "admin", "Pa55w0rd!",
                host.workDir());
        NbdExports.Request req = new NbdExports.Request("vm-42", "snapshot-7", "[ds1] vm/vm-000001.vmdk", "192.0.2.10",
                "AA:BB");
        List<String> cmd = vddk.command(req, Path.of("/tmp/s.sock"), Path.of("/tmp/pw"));
        assertThat(cmd).contains("vddk", "vm=moref=vm-42", "snapshot=snapshot-7", "file=[ds1] vm/vm-000001.vmdk",
                "server=192.0.2.10", "thumbprint=AA:BB", "password=+/tmp/pw", "--readonly");
        assertThat(String.join(" ", cmd)).doesNotContain("Pa55w0rd!");
        VddkNbdExports missing = new VddkNbdExports(null, "admin", "pw", host.workDir());
        assertThatThrownBy(() -> missing.open(req)).hasMessageContaining("settings.vddkLibDir");
    }

    /** Issue 13 item 7: a cold copy of a CBT-enabled VM reads only what vSphere says is allocated (change id "*"). */
    @Test
    void coldCopyOfACbtVmReadsOnlyAllocatedAreas() throws Exception {
        try (VsphereSource src = source(Map.of())) {
            SourceVm vm = src.describe(new VmRef(null, OTHER_VM)).orElseThrow();
            SourceDisk disk = vm.disks().get(0);
            replay.capacity = disk.capacity();
            replay.pageBytes = 256 * 1024;
            replay.changedAreasSince = id -> id.equals("*")
                    ? List.of(new long[] {0, 65536}, new long[] {300_000, 200_000}) : List.of();
            replay.queries.clear();
            // vcsim keeps datastore files in a local directory (the datastore's summary.url): give the disk content
            src.collectInventory(host.inventory());
            String dsDir = (String) host.inventory().doc(io.hoist.plugin.vsphere.inventory.Documents.DATASTORES, disk.storageId()).get("url");
            Path flat = Path.of(dsDir).resolve(io.hoist.plugin.vsphere.disk.DatastorePath.parse(disk.name()).flatExtent().path());
            byte[] content = new byte[(int) disk.capacity()];
            new Random(7).nextBytes(content);
            Files.write(flat, content);
            src.powerOff(vm);
            try {
                try (DiskReader r = src.openDisk(vm, disk, null)) {
                    List<Extent> map = r.extents(0, disk.capacity());
                    assertThat(map).containsExactly(Extent.data(0, 65536), Extent.zeros(65536, 300_000 - 65536),
                            Extent.data(300_000, 200_000), Extent.zeros(500_000, disk.capacity() - 500_000));
                    assertThat(r.extents(200_000, 200_000)).containsExactly(Extent.zeros(200_000, 100_000),
                            Extent.data(300_000, 100_000));
                    ByteBuffer buf = ByteBuffer.allocate(4096);
                    assertThat(r.read(0, buf)).isPositive(); // reads still go to the datastore file
                    assertThat(Arrays.copyOf(buf.array(), buf.position())).isEqualTo(Arrays.copyOf(content, buf.position()));
                }
                assertThat(replay.queries).isNotEmpty().allSatisfy(q -> {
                    assertThat(q.changeId()).isEqualTo("*");
                    assertThat(q.snapshot()).isNull(); // a powered-off VM is asked for its current state
                });
            } finally {
                src.powerOn(vm);
                replay.queries.clear(); // the other tests count their own queries
            }
        }
    }
}
