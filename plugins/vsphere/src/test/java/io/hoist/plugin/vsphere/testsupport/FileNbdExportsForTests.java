package io.hoist.plugin.vsphere.testsupport;

import io.hoist.plugin.vsphere.disk.NbdExports;
import io.hoist.plugin.vsphere.disk.NbdkitProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for nbdkit's vddk plugin (VDDK cannot be had here): serves a local image as the
 * snapshot's disk with nbdkit's file plugin, and records what the plugin asked to export.
 */
public final class FileNbdExportsForTests implements NbdExports {
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Path image;
    private final Path workDir;

    public FileNbdExportsForTests(Path image, Path workDir) {
        this.image = image;
        this.workDir = workDir;
    }

    @Override
    public Export open(Request request) throws IOException {
        requests.add(request);
        Path dir = NbdkitProcess.exportDir(workDir, "nbd-");
        Path sock = dir.resolve("nbd.sock");
        return NbdkitProcess.start(List.of("nbdkit", "--exit-with-parent", "--readonly", "--foreground", "--unix",
                sock.toString(), "file", "file=" + image), sock, dir);
    }
}
