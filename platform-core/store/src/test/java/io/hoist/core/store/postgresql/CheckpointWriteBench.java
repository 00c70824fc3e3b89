package io.hoist.core.store.postgresql;

import io.hoist.core.transfer.checkpoint.Checkpoint;
import io.hoist.core.transfer.checkpoint.CheckpointStore;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import io.hoist.testkit.postgresql.PostgresTestServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Benchmark, not a test: what one checkpoint save costs a copy, in files ({@code DATA/checkpoints}) and in a
 * throwaway PostgreSQL on this machine. Each save adds {@code blocksPerSave} blocks (a disk copied at 100 MiB/s with
 * the engine's 2 s interval adds 50 blocks of 4 MiB), as a copy does. Prints wall time per save and this process's
 * CPU per save (PostgreSQL's own CPU is not in it). PostgreSQL runs with fsync on, as a real one does. Run: see platform-core/store/README.md ("Figures").
 */
public final class CheckpointWriteBench {
    private CheckpointWriteBench() {}

    public static void main(String[] args) throws Exception {
        int saves = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int blocksPerSave = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Path dir = Files.createTempDirectory("hoist-checkpoint-bench");
        // a real PostgreSQL syncs its WAL at every commit, as saves need
        try (PostgresTestServer pg = PostgresTestServer.create();
             PostgresResourceStore store = BenchStores.openSynced(pg)) {
            CheckpointStore files = new FileCheckpointStore(dir);
            CheckpointStore postgres = new PostgresCheckpointStore(store);
            for (int round = 0; round < 2; round++) { // the first round warms both up
                report(round == 0 ? "warm-up files" : "files", files, saves, blocksPerSave, "f" + round);
                report(round == 0 ? "warm-up postgresql" : "postgresql", postgres, saves, blocksPerSave, "p" + round);
            }
        }
        System.out.println("checkpoint dir (delete when done): " + dir);
    }

    private static void report(String name, CheckpointStore store, int saves, int blocksPerSave, String disk) throws Exception {
        Checkpoint all = PostgresCheckpointStoreTest.cp("bench", saves * blocksPerSave, 5);
        Checkpoint[] steps = new Checkpoint[saves];
        for (int i = 0; i < saves; i++) {
            int blocks = (i + 1) * blocksPerSave;
            steps[i] = new Checkpoint("bench", all.virtualSize(), blocks,
                    java.util.Arrays.copyOf(all.sourceDigests(), blocks * 32), java.util.Arrays.copyOf(all.targetDigests(), blocks * 32));
        }
        var bean = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        long cpu0 = bean.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (Checkpoint step : steps) {
            store.save(disk, step);
        }
        long wall = System.nanoTime() - t0;
        long cpu = bean.getProcessCpuTime() - cpu0;
        long l0 = System.nanoTime();
        int loaded = store.load(disk).orElseThrow().blocksDone();
        long load = System.nanoTime() - l0;
        System.out.printf("%-18s %d saves of %d blocks: %.2f ms wall, %.2f ms CPU per save; load of %d blocks %.1f ms%n",
                name, saves, blocksPerSave, wall / 1e6 / saves, cpu / 1e6 / saves, loaded, load / 1e6);
    }
}
