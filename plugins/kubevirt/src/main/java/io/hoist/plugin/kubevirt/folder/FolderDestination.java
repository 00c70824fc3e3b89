package io.hoist.plugin.kubevirt.folder;

import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.ConvertibleDestination;
import io.hoist.api.destination.Destination;
import io.hoist.api.destination.DiskLocation;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.host.HostContext;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.plugin.kubevirt.manifest.Labels;
import io.hoist.plugin.kubevirt.manifest.ManifestBuilder;
import io.hoist.plugin.kubevirt.manifest.ManifestYaml;
import io.hoist.plugin.kubevirt.manifest.SourceVms;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The embedded default target: a folder {@code <root>/<namespace>/<vm>/} per VM holding sparse raw
 * disk images, one DataVolume manifest per disk, the VirtualMachine manifest and {@code upload.sh}
 * with the {@code kubectl apply} / {@code virtctl image-upload} commands that load it into a cluster.
 *
 * <p>Every step is idempotent: files are rewritten only when their content changes (atomically, via
 * a temporary file), disk images are kept for resume, and generated names are derived from the
 * source ids so a re-run after a crash lands on the same files.
 */
public final class FolderDestination implements Destination, ConvertibleDestination {
    static final String VM_FILE = "virtualmachine.yaml";
    static final String UPLOAD_SCRIPT = "upload.sh";
    static final String TMP_SUFFIX = ".hoist-tmp";

    private final Path root;
    private final HostContext host;
    private final ManifestBuilder builder = new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0);

    public FolderDestination(Path root, HostContext host) {
        this.root = root;
        this.host = host;
    }

    /** {@code file:///abs/path} to a path; anything else is a clear user error naming {@code url}. */
    public static Path parseUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new HoistException(HoistException.Type.USER_ERROR, "UrlNotValid", "url: '" + url + "' is not a URI");
        }
        if (!"file".equals(uri.getScheme()) || uri.getPath() == null || uri.getPath().isEmpty()
                || (uri.getAuthority() != null && !uri.getAuthority().isEmpty())) {
            throw new HoistException(HoistException.Type.USER_ERROR, "UrlNotValid",
                    "url: '" + url + "' must be file:///absolute/path/to/folder");
        }
        return Path.of(uri.getPath());
    }

    public Path vmDir(TargetVmSpec spec) {
        return root.resolve(spec.namespace()).resolve(spec.name());
    }

    @Override
    public List<Condition> testConnection() {
        // A connection test only looks: a typo in the url must not leave a new folder behind.
        if (!Files.isDirectory(root)) {
            return List.of(new Condition("ConnectionTestSucceeded", "False", "FolderNotFound", Condition.Category.Critical,
                    "folder " + root + " does not exist (create it with: mkdir -p " + root + ")"));
        }
        try {
            Path probe = Files.createTempFile(root, ".hoist-probe", TMP_SUFFIX);
            Files.delete(probe);
            return List.of(Condition.isTrue("ConnectionTestSucceeded", "Tested", Condition.Category.Required,
                    "folder " + root + " is writable"));
        } catch (IOException | UnsupportedOperationException e) {
            return List.of(new Condition("ConnectionTestSucceeded", "False", "FolderNotWritable", Condition.Category.Critical,
                    "folder " + root + " is not writable: " + e.getMessage()));
        }
    }

    @Override
    public List<Condition> validateTarget(TargetVmSpec spec) throws IOException {
        List<Condition> invalid = ManifestBuilder.conditionsOf(builder, spec);
        if (!invalid.isEmpty()) {
            return invalid;
        }
        List<String> external = spec.disks().stream().filter(TargetDisk::external).map(TargetDisk::sourceDiskId).toList();
        if (!external.isEmpty()) {
            // a folder holds copied images only; it has no way to reach a SAN LUN (not AttachesExternalVolumes)
            return List.of(Condition.isTrue("ExternalVolumeNotSupported", "NotSupported", Condition.Category.Critical,
                    "VM " + spec.sourceVmName() + " has direct LUN disk(s) " + String.join(", ", external) + ", which are"
                            + " attached, not copied: a folder destination cannot attach them; migrate it to a KubeVirt cluster"));
        }
        String owner = existingOwner(spec);
        if (owner != null && !owner.equals(spec.sourceVmId())) {
            return List.of(Condition.isTrue("VMAlreadyExists", "NotUnique", Condition.Category.Critical,
                    "VM " + spec.namespace() + "/" + spec.name() + " already exists in " + vmDir(spec) + " for another source VM"));
        }
        return List.of();
    }

    @Override
    public List<AllocatedDisk> allocateDisks(TargetVmSpec spec) throws IOException {
        builder.validate(spec);
        refuseForeign(spec);
        Path dir = vmDir(spec);
        createPrivateDirectories(dir);
        List<AllocatedDisk> allocated = new ArrayList<>();
        for (TargetDisk disk : spec.disks()) {
            String name = ManifestBuilder.stableGeneratedName(spec, disk);
            Path image = dir.resolve(name + ".img");
            if (Files.exists(image) && Files.size(image) != disk.capacity()) {
                throw new HoistException(HoistException.Type.USER_ERROR, "DiskSizeMismatch",
                        "disk image " + image + " exists with " + Files.size(image) + " bytes, the source disk "
                                + disk.sourceDiskId() + " has " + disk.capacity());
            }
            try (DiskWriter ignored = host.diskIo().createFile(image, disk.capacity())) {
                // Created sparse (or kept for resume); written by the transfer engine through openDisk.
            }
            writeIfChanged(dir.resolve(name + ".datavolume.yaml"), ManifestYaml.toYaml(builder.diskObject(spec, disk, name)));
            allocated.add(new AllocatedDisk(disk, name));
        }
        return List.copyOf(allocated);
    }

    @Override
    public DiskWriter openDisk(TargetVmSpec spec, AllocatedDisk disk) throws IOException {
        return host.diskIo().createFile(vmDir(spec).resolve(disk.handle() + ".img"), disk.disk().capacity());
    }

    /** The sparse raw image the disk was copied into, for a guest converter working in place. */
    @Override
    public DiskLocation locate(TargetVmSpec spec, AllocatedDisk disk) {
        return new DiskLocation.LocalFile(vmDir(spec).resolve(disk.handle() + ".img"), "raw");
    }

    @Override
    public String createVm(TargetVmSpec spec, List<AllocatedDisk> disks) throws IOException {
        refuseForeign(spec);
        Path dir = vmDir(spec);
        createPrivateDirectories(dir);
        Map<String, Object> vm = builder.virtualMachine(spec, disks, AllocatedDisk::handle, SourceVms.lookup(host.inventoryView(), spec));
        writeIfChanged(dir.resolve(VM_FILE), ManifestYaml.toYaml(vm));
        Path script = dir.resolve(UPLOAD_SCRIPT);
        writeIfChanged(script, uploadScript(spec, disks));
        try {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: run it with sh.
        }
        return spec.namespace() + "/" + spec.name();
    }

    @Override
    public void cleanup(TargetVmSpec spec, CleanupReason reason, boolean deleteVm) throws IOException {
        Path dir = vmDir(spec);
        if (!Files.isDirectory(dir)) {
            return;
        }
        String owner = existingOwner(spec);
        boolean ours = owner == null || owner.equals(spec.sourceVmId());
        List<Path> toDelete = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                boolean temporary = n.endsWith(TMP_SUFFIX);
                boolean created = ours && isOurFile(spec, n);
                if (temporary || (deleteVm && created)) {
                    toDelete.add(f);
                }
            }
        }
        for (Path f : toDelete) {
            Files.deleteIfExists(f);
        }
        deleteIfEmpty(dir);
        deleteIfEmpty(dir.getParent());
    }

    private boolean isOurFile(TargetVmSpec spec, String fileName) {
        if (fileName.equals(VM_FILE) || fileName.equals(UPLOAD_SCRIPT)) {
            return true;
        }
        for (TargetDisk d : spec.disks()) {
            String name = ManifestBuilder.stableGeneratedName(spec, d);
            if (fileName.equals(name + ".img") || fileName.equals(name + ".datavolume.yaml")) {
                return true;
            }
        }
        return false;
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            if (s.iterator().hasNext()) {
                return;
            }
        }
        Files.deleteIfExists(dir);
    }

    private void refuseForeign(TargetVmSpec spec) throws IOException {
        String owner = existingOwner(spec);
        if (owner != null && !owner.equals(spec.sourceVmId())) {
            throw new HoistException(HoistException.Type.USER_ERROR, "VMAlreadyExists",
                    "VM " + spec.namespace() + "/" + spec.name() + " already exists in " + vmDir(spec) + " for another source VM");
        }
    }

    /** The source VM id recorded in an existing VM manifest, or null when there is none. */
    @SuppressWarnings("unchecked")
    private String existingOwner(TargetVmSpec spec) throws IOException {
        Path vmFile = vmDir(spec).resolve(VM_FILE);
        if (!Files.exists(vmFile)) {
            return null;
        }
        Map<String, Object> vm = ManifestYaml.fromYaml(Files.readString(vmFile));
        Map<String, Object> metadata = (Map<String, Object>) vm.getOrDefault("metadata", Map.of());
        Map<String, Object> annotations = (Map<String, Object>) metadata.getOrDefault("annotations", Map.of());
        Object owner = annotations.get(Labels.SOURCE_VM_ANNOTATION);
        // A manifest without our annotation was written by someone else: foreign.
        return owner == null ? "" : owner.toString();
    }

    private static String uploadScript(TargetVmSpec spec, List<AllocatedDisk> disks) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n# Loads VM ").append(spec.namespace()).append('/').append(spec.name())
                .append(" into the current kubectl context. Names were validated as Kubernetes names.\n")
                .append("set -e\ncd \"$(dirname \"$0\")\"\n")
                // the target namespace may not exist on a fresh cluster; create it only when missing
                .append("kubectl get namespace ").append(spec.namespace()).append(" >/dev/null 2>&1 || kubectl create namespace ")
                .append(spec.namespace()).append('\n');
        for (AllocatedDisk d : disks) {
            s.append("kubectl apply -f ").append(d.handle()).append(".datavolume.yaml\n");
            s.append("virtctl image-upload dv ").append(d.handle()).append(" -n ").append(spec.namespace())
                    .append(" --no-create --image-path=").append(d.handle()).append(".img\n");
        }
        s.append("kubectl apply -f ").append(VM_FILE).append('\n');
        return s.toString();
    }

    /**
     * Creates the VM's folder and any missing parents as 0750: the disk images inside (0600) hold the guest's
     * data, and nothing under the output root is for other users.
     */
    static void createPrivateDirectories(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** Writes through a temporary file and an atomic rename; leaves an identical file untouched. */
    static void writeIfChanged(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        Files.deleteIfExists(tmp);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // manifests name the disks and may carry guest details: owner and group only (0640)
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        }
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
