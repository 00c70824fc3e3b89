package io.hoist.plugin.vsphere.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export directories keep the nbdkit socket path within the Unix socket address limit. */
class NbdkitProcessTest {
    @Test
    void aDeepWorkDirMovesTheExportToTheTempDirectory(@TempDir Path tmp) throws Exception {
        Path shallow = Files.createDirectories(tmp.resolve("w"));
        Path near = NbdkitProcess.exportDir(shallow, "vddk-");
        assertThat(near.getParent()).isEqualTo(shallow);

        Path deep = Files.createDirectories(tmp.resolve("data/providers/0f8e5b3c-1f9d-4c1e-9a55-3f0e2b7c9d41/more/levels"));
        Path dir = NbdkitProcess.exportDir(deep, "vddk-");
        try {
            assertThat(dir.startsWith(deep)).isFalse();
            assertThat(dir.resolve("nbd.sock").toString().length()).isLessThanOrEqualTo(NbdkitProcess.MAX_SOCKET_PATH);
            assertThat(Files.list(deep).count()).as("nothing left in the deep work dir").isZero();
        } finally {
            Files.delete(dir);
        }
    }
}
