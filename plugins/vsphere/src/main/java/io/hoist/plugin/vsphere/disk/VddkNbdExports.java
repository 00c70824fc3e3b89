package io.hoist.plugin.vsphere.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports a snapshot's disk with {@code nbdkit vddk} over a private Unix socket, as MTV does:
 * the user's VDDK library ({@code settings.vddkLibDir}, or the lib64 unpacked from
 * {@code settings.vddkInitImage} by the deployment), the ESXi host or vCenter as server, the VM by
 * moRef and the snapshot by moRef. The password is handed over in a 0600 file (nbdkit's
 * {@code password=+FILE}), never on a command line.
 */
public final class VddkNbdExports implements NbdExports {
    private final Path libDir;
    private final String user;
    private final String password;
    private final Path workDir;

    public VddkNbdExports(Path libDir, String user, String password, Path workDir) {
        this.libDir = libDir;
        this.user = user;
        this.password = password;
        this.workDir = workDir;
    }

    /** The nbdkit command line for {@code request}; the password is referenced by file only. */
    public List<String> command(Request request, Path socket, Path passwordFile) {
        List<String> cmd = new ArrayList<>(List.of("nbdkit", "--exit-with-parent", "--readonly", "--foreground",
                "--unix", socket.toString(), "vddk",
                "libdir=" + libDir,
                "server=" + request.server(),
                "user=" + user,
                "password=+" + passwordFile,
                "vm=moref=" + request.vmMoRef(),
                "file=" + request.diskFile()));
        if (request.snapshotMoRef() != null) {
            cmd.add("snapshot=" + request.snapshotMoRef());
        }
        if (request.thumbprint() != null) {
            cmd.add("thumbprint=" + request.thumbprint());
        }
        return cmd;
    }

    @Override
    public Export open(Request request) throws IOException {
        if (libDir == null || !Files.isDirectory(libDir)) {
            throw new IOException("VDDK library not found: set settings.vddkLibDir (or vddkInitImage) to the"
                    + " directory holding VDDK's lib64; warm migration reads snapshots through nbdkit's vddk plugin");
        }
        Path dir = NbdkitProcess.exportDir(workDir, "vddk-");
        Path pw = dir.resolve("password");
        Files.createFile(pw, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pw, password);
        Path socket = dir.resolve("nbd.sock");
        return NbdkitProcess.start(command(request, socket, pw), socket, dir);
    }
}
