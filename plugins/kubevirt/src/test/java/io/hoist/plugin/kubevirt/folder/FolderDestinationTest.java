package io.hoist.plugin.kubevirt.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.Destination;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.plugin.kubevirt.KubevirtDestinationProviderFactory;
import io.hoist.plugin.kubevirt.manifest.ManifestYaml;
import io.hoist.plugin.kubevirt.testing.Hosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.kubevirt.testing.KubevirtSchemas;
import io.hoist.plugin.kubevirt.testing.TargetSpecs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderDestinationTest {
    @TempDir
    Path tmp;

    private Destination destination(Path root) {
        ProviderConfig config = new ProviderConfig("uid-1", "hoist", "host", "openshift", root.toUri().toString(), Map.of(), Map.of());
        KubevirtDestinationProviderFactory factory = new KubevirtDestinationProviderFactory();
        assertThat(factory.acceptsDestination(config)).isTrue();
        assertThat(factory.validate(config)).isEmpty();
        return factory.create(config, Hosts.create(tmp.resolve("work")));
    }

    private static Map<String, Long> snapshot(Path dir) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), Files.getLastModifiedTime(p).toMillis() ^ Files.size(p));
            }
        }
        return files;
    }

    private static String perms(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** Bytes the file system allocated to a file ({@code du}), as opposed to its apparent size. */
    private static long allocatedBytes(Path file) throws Exception {
        Process du = new ProcessBuilder("du", "-B1", file.toString()).redirectErrorStream(true).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(du.waitFor()).as(out).isZero();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    @Test
    void connectionTestOfAMissingFolderFailsAndCreatesNothing() {
        Path root = tmp.resolve("typo/out");
        assertThat(destination(root).testConnection()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo("False");
            assertThat(c.reason()).isEqualTo("FolderNotFound");
            assertThat(c.message()).contains(root.toString()).contains("mkdir -p");
        });
        assertThat(tmp.resolve("typo")).doesNotExist();
    }

    @Test
    void writesSparseDisksAndSchemaValidManifestsForKubectlAndVirtctl() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("out"));
        Destination dest = destination(root);
        TargetVmSpec spec = TargetSpecs.efiVm("prod", "web-01", "vm-42");

        assertThat(dest.testConnection()).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo("True"));
        assertThat(dest.validateTarget(spec)).isEmpty();
        List<AllocatedDisk> disks = dest.allocateDisks(spec);
        byte[] payload = "boot sector of web-01".getBytes(StandardCharsets.UTF_8);
        try (DiskWriter w = dest.openDisk(spec, disks.get(0))) {
            w.write(512, ByteBuffer.wrap(payload));
            w.flush();
        }
        assertThat(dest.createVm(spec, disks)).isEqualTo("prod/web-01");

        Path vmDir = root.resolve("prod/web-01");
        try (Stream<Path> s = Files.list(vmDir)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly(
                    "upload.sh", "virtualmachine.yaml",
                    "web-01-disk-0.datavolume.yaml", "web-01-disk-0.img",
                    "web-01-disk-1.datavolume.yaml", "web-01-disk-1.img");
        }
        Path image0 = vmDir.resolve("web-01-disk-0.img");
        assertThat(Files.size(image0)).isEqualTo(10 * TargetSpecs.GI);
        assertThat(Files.size(vmDir.resolve("web-01-disk-1.img"))).isEqualTo(3 * TargetSpecs.GI + 12345);
        // Sparse: a 10 GiB image with a few bytes written occupies a few blocks, not 10 GiB.
        long allocatedBytes = allocatedBytes(image0);
        assertThat(allocatedBytes).isLessThan(1024 * 1024);
        byte[] readBack = new byte[payload.length];
        try (var ch = java.nio.channels.FileChannel.open(image0)) {
            ch.read(ByteBuffer.wrap(readBack), 512);
        }
        assertThat(readBack).isEqualTo(payload);

        for (String manifest : List.of("virtualmachine.yaml", "web-01-disk-0.datavolume.yaml", "web-01-disk-1.datavolume.yaml")) {
            Map<String, Object> m = ManifestYaml.fromYaml(Files.readString(vmDir.resolve(manifest)));
            assertThat(KubevirtSchemas.errors(m)).as(manifest).isEmpty();
        }
        String vmYaml = Files.readString(vmDir.resolve("virtualmachine.yaml"));
        // kubectl's style: strings bare unless YAML would read them as something else
        assertThat(vmYaml).contains("kind: VirtualMachine").contains("macAddress: 00:50:56:aa:bb:01")
                .contains("networkName: vlans/vlan-100").contains("secureBoot: true").contains("guest: 8Gi");
        assertThat(Files.isExecutable(vmDir.resolve("upload.sh"))).isTrue();
        // guest disks hold the guest's secrets: nothing here is readable by other users (issue 24 item 8)
        assertThat(perms(vmDir)).isEqualTo("rwxr-x---");
        assertThat(perms(root.resolve("prod"))).isEqualTo("rwxr-x---");
        assertThat(perms(image0)).isEqualTo("rw-------");
        assertThat(perms(vmDir.resolve("web-01-disk-1.img"))).isEqualTo("rw-------");
        assertThat(perms(vmDir.resolve("virtualmachine.yaml"))).isEqualTo("rw-r-----");
        assertThat(perms(vmDir.resolve("web-01-disk-0.datavolume.yaml"))).isEqualTo("rw-r-----");
        assertThat(perms(vmDir.resolve("upload.sh"))).isEqualTo("rwxr-x---");
        assertThat(Files.readString(vmDir.resolve("upload.sh")))
                .contains("virtctl image-upload dv web-01-disk-0 -n prod --no-create --image-path=web-01-disk-0.img")
                .contains("kubectl get namespace prod >/dev/null 2>&1 || kubectl create namespace prod")
                .contains("kubectl apply -f virtualmachine.yaml");
    }

    @Test
    void rerunAfterACrashAdoptsTheSameFilesWithoutDuplicatesOrRewrites() throws Exception {
        Path root = tmp.resolve("out");
        TargetVmSpec spec = TargetSpecs.biosCompatVm("legacy", "old-db", "vm-7");
        Destination first = destination(root);
        List<AllocatedDisk> disks = first.allocateDisks(spec);
        try (DiskWriter w = first.openDisk(spec, disks.get(0))) {
            w.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            w.flush();
        }
        first.createVm(spec, disks);
        Path vmDir = root.resolve("legacy/old-db");
        // Backdate so a rewrite would show as a new modification time.
        try (Stream<Path> s = Files.list(vmDir)) {
            for (Path p : s.toList()) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000_000_000L));
            }
        }
        Map<String, Long> before = snapshot(vmDir);

        Destination second = destination(root);
        assertThat(second.validateTarget(spec)).isEmpty();
        List<AllocatedDisk> again = second.allocateDisks(spec);
        assertThat(again).isEqualTo(disks);
        assertThat(second.createVm(spec, again)).isEqualTo("legacy/old-db");

        assertThat(snapshot(vmDir)).isEqualTo(before);
        assertThat(before).hasSize(4);
        assertThat(disks.get(0).handle()).matches("old-db-[0-9a-f]{5}");
        byte[] head = new byte[3];
        try (var ch = java.nio.channels.FileChannel.open(vmDir.resolve(disks.get(0).handle() + ".img"))) {
            ch.read(ByteBuffer.wrap(head), 0);
        }
        assertThat(head).containsExactly(1, 2, 3);
    }

    @Test
    void aDirectLunIsAConditionNamingTheDiskNeverADroppedDisk() throws Exception {
        Destination dest = destination(tmp.resolve("out"));
        assertThat(dest).isNotInstanceOf(io.hoist.api.destination.AttachesExternalVolumes.class);
        TargetVmSpec base = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        List<io.hoist.api.destination.TargetDisk> disks = new java.util.ArrayList<>(base.disks());
        disks.add(new io.hoist.api.destination.TargetDisk("lun-1", "web-01-disk-2", false, "disk2", 1L << 30, null, null, null, 0,
                null, null, false, io.hoist.api.source.ExternalVolume.iscsi("36001405aa", 1L << 30, false, "10.0.0.1:3260", "iqn.x:y", 0)));
        TargetVmSpec spec = new TargetVmSpec(base.namespace(), base.name(), base.sourceVmId(), base.sourceVmName(), base.sockets(),
                base.cores(), base.threads(), base.memoryBytes(), base.firmware(), base.secureBoot(), base.preserveCpuModel(),
                base.cpuModel(), base.diskBus(), base.runStrategy(), disks, base.nics(), base.labels(), base.annotations(),
                base.transferNetwork());
        assertThat(dest.validateTarget(spec)).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo("ExternalVolumeNotSupported");
            assertThat(c.category()).isEqualTo(Condition.Category.Critical);
            assertThat(c.message()).contains("lun-1");
        });
    }

    @Test
    void aForeignVmHoldingTheNameIsVmAlreadyExistsAndIsNeverTouched() throws Exception {
        Path root = tmp.resolve("out");
        Destination dest = destination(root);
        TargetVmSpec mine = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        dest.createVm(mine, dest.allocateDisks(mine));
        Map<String, Long> before = snapshot(root);

        TargetVmSpec other = TargetSpecs.efiVm("prod", "web-01", "vm-99");
        assertThat(dest.validateTarget(other)).extracting(Condition::type).containsExactly("VMAlreadyExists");
        assertThatThrownBy(() -> dest.allocateDisks(other)).isInstanceOf(HoistException.class)
                .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("VMAlreadyExists"));
        assertThatThrownBy(() -> dest.createVm(other, List.of())).hasMessageContaining("already exists");
        dest.cleanup(other, Destination.CleanupReason.FAILED, true);
        assertThat(snapshot(root)).isEqualTo(before);
    }

    @Test
    void cleanupRemovesEverythingWithDeleteVmAndOnlyTemporaryFilesOtherwise() throws Exception {
        Path root = tmp.resolve("out");
        Destination dest = destination(root);
        TargetVmSpec spec = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        List<AllocatedDisk> disks = dest.allocateDisks(spec);
        Path vmDir = root.resolve("prod/web-01");
        Path partial = vmDir.resolve("virtualmachine.yaml" + FolderDestination.TMP_SUFFIX);
        Files.writeString(partial, "half a manifest");
        Path foreignFile = vmDir.resolve("notes.txt");
        Files.writeString(foreignFile, "the user's own file");

        dest.cleanup(spec, Destination.CleanupReason.FAILED, false);
        assertThat(partial).doesNotExist();
        assertThat(vmDir.resolve(disks.get(0).handle() + ".img")).exists();
        assertThat(vmDir.resolve(disks.get(0).handle() + ".datavolume.yaml")).exists();

        dest.createVm(spec, disks);
        dest.cleanup(spec, Destination.CleanupReason.CANCELED, true);
        try (Stream<Path> s = Files.list(vmDir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
        Files.delete(foreignFile);
        dest.cleanup(spec, Destination.CleanupReason.CANCELED, true);
        assertThat(vmDir).doesNotExist();
        assertThat(root.resolve("prod")).doesNotExist();
    }

    @Test
    void anImageOfAnotherSizeIsNotAdoptedSilently() throws Exception {
        Path root = tmp.resolve("out");
        Destination dest = destination(root);
        TargetVmSpec spec = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        Files.createDirectories(root.resolve("prod/web-01"));
        Files.write(root.resolve("prod/web-01/web-01-disk-0.img"), new byte[4096]);
        assertThatThrownBy(() -> dest.allocateDisks(spec)).hasMessageContaining("exists with 4096 bytes");
    }

    @Test
    void anInvalidSpecIsAConditionNamingTheField() throws Exception {
        Destination dest = destination(tmp.resolve("out"));
        TargetVmSpec good = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        TargetVmSpec bad = new TargetVmSpec("Prod", good.name(), good.sourceVmId(), good.sourceVmName(), good.sockets(), good.cores(),
                good.threads(), good.memoryBytes(), good.firmware(), good.secureBoot(), good.preserveCpuModel(), good.cpuModel(),
                good.diskBus(), good.runStrategy(), good.disks(), good.nics(), good.labels(), good.annotations(), good.transferNetwork());
        assertThat(dest.validateTarget(bad)).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo("InvalidTargetSpec");
            assertThat(c.message()).startsWith("namespace: 'Prod'");
        });
        assertThat(tmp.resolve("out/Prod")).doesNotExist();
    }

    @Test
    void badUrlsAreRejectedNamingTheField() {
        KubevirtDestinationProviderFactory factory = new KubevirtDestinationProviderFactory();
        ProviderConfig relative = new ProviderConfig("u", "ns", "n", "openshift", "file://relative/dir", Map.of(), Map.of());
        assertThat(factory.validate(relative)).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo("UrlNotValid");
            assertThat(c.message()).startsWith("url: 'file://relative/dir'");
        });
    }
}
