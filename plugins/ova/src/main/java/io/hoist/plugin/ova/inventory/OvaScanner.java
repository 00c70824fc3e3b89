package io.hoist.plugin.ova.inventory;

import io.hoist.plugin.ova.archive.OvaArchive;
import io.hoist.plugin.ova.archive.OvaPackage;
import io.hoist.plugin.ova.archive.OvfFolder;
import io.hoist.plugin.ova.ovf.OvfEnvelope;
import io.hoist.plugin.ova.ovf.OvfParser;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Walks the provider folder recursively (links are not followed, so a loop cannot trap it) and reads every
 * {@code .ova} archive and every {@code .ovf} descriptor of an unpacked package. A package that cannot be
 * read is reported as a problem and skipped: one bad file must not hide every other VM.
 */
public final class OvaScanner {
    /** The result of one scan: VMs, ordered by path, and one message per unreadable package. */
    public record Result(List<OvaVm> vms, List<String> problems) {}

    private OvaScanner() {}

    public static Result scan(Path root) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        if (Files.isRegularFile(base)) {
            found.add(base);
            base = base.getParent();
        } else {
            Files.walkFileTree(base, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
                    if (attrs.isRegularFile() && (n.endsWith(".ova") || n.endsWith(".ovf"))) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    // An unreadable sub-folder is skipped; the root itself failing is caught by the caller.
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        found.sort(Comparator.comparing(Path::toString));
        List<OvaVm> vms = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path p : found) {
            String rel = base.relativize(p).toString().replace('\\', '/');
            try {
                vms.addAll(read(p, base, rel));
            } catch (IOException | RuntimeException e) {
                problems.add(rel + ": " + e.getMessage());
            }
        }
        return new Result(List.copyOf(vms), List.copyOf(problems));
    }

    /** The VMs of one package. */
    static List<OvaVm> read(Path file, Path root, String relativePath) throws IOException {
        OvaPackage pkg = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".ova")
                ? OvaArchive.open(file, relativePath)
                : new OvfFolder(file, root, relativePath);
        OvfEnvelope env = OvfParser.parse(pkg.readOvf(), relativePath);
        List<OvaVm> out = new ArrayList<>();
        for (OvfEnvelope.VirtualSystem vs : env.systems()) {
            String vmId = StableIds.vm(relativePath, vs.id());
            List<OvaVm.Disk> disks = new ArrayList<>();
            for (OvfEnvelope.AttachedDisk a : vs.disks()) {
                OvfEnvelope.Disk d = env.disk(a.diskId()).orElseThrow(() -> new IOException(relativePath
                        + ": VirtualSystem " + vs.id() + " uses disk " + a.diskId() + " which DiskSection does not list"));
                String href = null;
                long fileSize = -1;
                String unsupported = null;
                if (d.fileRef() != null && !d.fileRef().isBlank()) {
                    OvfEnvelope.File f = env.file(d.fileRef()).orElseThrow(() -> new IOException(relativePath
                            + ": disk " + d.diskId() + " refers to file " + d.fileRef() + " which References does not list"));
                    href = f.href();
                    fileSize = pkg.fileSize(href);
                    if (f.compression() != null && !f.compression().isBlank() && !"identity".equals(f.compression())) {
                        unsupported = "file " + href + " is " + f.compression() + "-compressed (ovf:compression);"
                                + " export the VM without file compression";
                    } else if (f.chunkSize() != null) {
                        unsupported = "file " + href + " is split into chunks (ovf:chunkSize); export it unsplit";
                    }
                }
                disks.add(new OvaVm.Disk(StableIds.disk(vmId, d.diskId()), d.diskId(),
                        a.name() != null ? a.name() : d.diskId(), href, d.capacityBytes(),
                        d.capacityAllocationUnits(), d.format(), d.populatedSize(), fileSize, a.bus(), a.unit(),
                        unsupported));
            }
            out.add(new OvaVm(vmId, pkg, vs, env.exportSource(), disks, env.networks()));
        }
        return out;
    }
}
