package io.hoist.core.transfer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointStoreTest {
    @TempDir
    Path dir;

    private static Checkpoint cp(String fp, int blocks) {
        byte[] s = new byte[blocks * 32];
        byte[] t = new byte[blocks * 32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) i;
            t[i] = (byte) (i * 7);
        }
        return new Checkpoint(fp, 1L << 30, blocks, s, t);
    }

    @Test
    void appendsAndReloadsAcrossInstances() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save("plan/vm/disk-0", cp("fp", 3));
        store.save("plan/vm/disk-0", cp("fp", 10));
        Checkpoint back = new FileCheckpointStore(dir).load("plan/vm/disk-0").orElseThrow();
        assertThat(back.blocksDone()).isEqualTo(10);
        assertThat(back.fingerprint()).isEqualTo("fp");
        assertThat(back.sourceDigests()).isEqualTo(cp("fp", 10).sourceDigests());
        assertThat(back.targetDigests()).isEqualTo(cp("fp", 10).targetDigests());
    }

    @Test
    void tornTailAfterACrashKeepsThePreviousCheckpoint() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save("d", cp("fp", 4));
        store.save("d", cp("fp", 9));
        Path file = dir.resolve("d.ckpt");
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 10), StandardOpenOption.TRUNCATE_EXISTING); // lost the end of the last save
        Checkpoint back = new FileCheckpointStore(dir).load("d").orElseThrow();
        assertThat(back.blocksDone()).isEqualTo(4);
        assertThat(back.sourceDigests()).isEqualTo(cp("fp", 4).sourceDigests());
    }

    @Test
    void newFingerprintReplacesTheOldProgress() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        store.save("d", cp("old", 8));
        store.save("d", cp("new", 2));
        Checkpoint back = new FileCheckpointStore(dir).load("d").orElseThrow();
        assertThat(back.fingerprint()).isEqualTo("new");
        assertThat(back.blocksDone()).isEqualTo(2);
        store.clear("d");
        assertThat(store.load("d")).isEmpty();
    }
}
