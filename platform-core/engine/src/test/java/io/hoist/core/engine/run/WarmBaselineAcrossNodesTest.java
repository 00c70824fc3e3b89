package io.hoist.core.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.Extent;
import io.hoist.core.store.postgresql.PostgresBaselineStore;
import io.hoist.core.store.postgresql.PostgresCheckpointStore;
import io.hoist.core.store.postgresql.PostgresLocation;
import io.hoist.core.store.postgresql.PostgresResourceStore;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.budget.BandwidthBudgets;
import io.hoist.core.transfer.checksum.BlockDigests;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.checksum.Checksums;
import io.hoist.testkit.postgresql.PostgresServerExtension;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm migration's precopy rounds on two nodes sharing one real PostgreSQL: node A copies the first pass, node B
 * (another store connection, its own copy service, nothing of A's in memory or on its disk) copies the next delta
 * from the baseline A left in the store: only the changed block, with a checksum of the whole disk.
 */
class WarmBaselineAcrossNodesTest {
    private static final int BLOCK = 4 << 20;
    private static final long SIZE = 6L * BLOCK;

    @RegisterExtension
    static final PostgresServerExtension POSTGRES = new PostgresServerExtension();

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final EngineDiskIo io = new EngineDiskIo();

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    @Test
    void theNextDeltaOnAnotherNodeCopiesOnlyChangedBlocksFromTheBaselineTheFirstNodeLeft(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("source.img");
        Path target = dir.resolve("shared/target.img"); // storage both nodes reach under one path
        Files.createDirectories(target.getParent());
        byte[] data = new byte[(int) SIZE];
        new Random(7).nextBytes(data);
        Files.write(source, data);
        PostgresLocation db = PostgresLocation.parse(POSTGRES.server().newDatabase(),
                Map.of("PGPASSWORD", POSTGRES.server().password()));
        try (PostgresResourceStore storeA = PostgresResourceStore.open(db);
             PostgresResourceStore storeB = PostgresResourceStore.open(db)) {
            DiskCopyService nodeA = node(storeA);
            DiskCopyService nodeB = node(storeB);

            // precopy round 0 on node A: the whole allocation
            DiskCopyService.Result first = copy(nodeA, source, target, 0, List.of(Extent.data(0, SIZE)));
            assertThat(first.bytesCopied()).isEqualTo(SIZE);

            // the guest writes 4 KiB inside block 3; node A dies, round 1 runs on node B
            byte[] changed = new byte[4096];
            new Random(8).nextBytes(changed);
            try (RandomAccessFile f = new RandomAccessFile(source.toFile(), "rw")) {
                f.seek(3L * BLOCK + 100);
                f.write(changed);
            }
            DiskCopyService.Result delta = copy(nodeB, source, target, 1, List.of(Extent.data(3L * BLOCK + 100, changed.length)));

            assertThat(delta.bytesCopied()).as("only the block holding the change is copied").isEqualTo(BLOCK);
            String whole;
            try (DiskReader r = io.openFile(source)) {
                whole = Checksums.of(r);
            }
            assertThat(delta.checksum()).isEqualTo(ChecksumMode.SHA256_4M);
            assertThat(delta.sourceChecksum()).as("the delta's checksum covers the whole disk: A's digests for the"
                    + " unchanged blocks, B's for the changed one").isEqualTo(whole);
            assertThat(delta.targetChecksum()).isEqualTo(whole);
            assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(source));
        }
    }

    /**
     * A delta whose baseline is nowhere (a node keeping its own files, a lost data directory) copies the whole disk:
     * taken as a first pass's allocation, its changed areas left every other block a hole and zeros were written over
     * the target's earlier passes, with a checksum that agreed with itself.
     */
    @Test
    void aDeltaWithoutItsBaselineCopiesTheWholeDiskRatherThanZeroingTheRest(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("source.img");
        Path target = dir.resolve("target.img");
        byte[] data = new byte[(int) SIZE];
        new Random(9).nextBytes(data);
        Files.write(source, data);
        DiskCopyService nodeA = new TransferDiskCopyService(TransferDiskCopyService.fileCheckpoints(dir.resolve("a")),
                TransferDiskCopyService.fileBaselines(dir.resolve("a")), new BandwidthBudgets(), timers, RunMeters.NONE);
        DiskCopyService nodeB = new TransferDiskCopyService(TransferDiskCopyService.fileCheckpoints(dir.resolve("b")),
                TransferDiskCopyService.fileBaselines(dir.resolve("b")), new BandwidthBudgets(), timers, RunMeters.NONE);
        copy(nodeA, source, target, 0, List.of(Extent.data(0, SIZE)));
        try (RandomAccessFile f = new RandomAccessFile(source.toFile(), "rw")) {
            f.seek(BLOCK + 7);
            f.write(new byte[] {1, 2, 3});
        }
        DiskCopyService.Result delta = copy(nodeB, source, target, 1, List.of(Extent.data(BLOCK + 7, 3)));
        String whole;
        try (DiskReader r = io.openFile(source)) {
            whole = Checksums.of(r);
        }
        assertThat(delta.targetChecksum()).isEqualTo(whole);
        assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(source));
    }

    @Test
    void aPassWithoutChecksumAndAReplacedBaselineReadTheSameFromTheOtherNode() throws Exception {
        PostgresLocation db = PostgresLocation.parse(POSTGRES.server().newDatabase(),
                Map.of("PGPASSWORD", POSTGRES.server().password()));
        try (PostgresResourceStore storeA = PostgresResourceStore.open(db);
             PostgresResourceStore storeB = PostgresResourceStore.open(db)) {
            var a = new PostgresBaselineStore(storeA);
            var b = new PostgresBaselineStore(storeB);
            assertThat(b.load("m/vm/d", SIZE, ChecksumMode.SHA256_4M)).as("no pass yet").isEmpty();

            a.save("m/vm/d", null); // a pass with checksum none
            assertThat(b.load("m/vm/d", SIZE, ChecksumMode.SHA256_4M).orElseThrow().unhashed()).isTrue();

            var digests = new BlockDigests(ChecksumMode.SHA256_4M, SIZE);
            digests.set(2, new byte[32]);
            byte[] d5 = new byte[32];
            java.util.Arrays.fill(d5, (byte) 5);
            digests.set(5, d5);
            a.save("m/vm/d", digests);
            BlockDigests back = b.load("m/vm/d", SIZE, ChecksumMode.XXH128_4M).orElseThrow().digests();
            assertThat(back.mode()).as("kept as recorded, whatever was asked for").isEqualTo(ChecksumMode.SHA256_4M);
            assertThat(back.virtualSize()).isEqualTo(SIZE);
            assertThat(back.checksum()).isEqualTo(digests.checksum());
            assertThat(back.get(5)).isEqualTo(d5);
        }
    }

    private DiskCopyService node(PostgresResourceStore store) {
        return new TransferDiskCopyService(new PostgresCheckpointStore(store), new PostgresBaselineStore(store),
                new BandwidthBudgets(), timers, RunMeters.NONE);
    }

    private DiskCopyService.Result copy(DiskCopyService node, Path source, Path target, int round, List<Extent> extents)
            throws Exception {
        try (DiskReader r = io.openFile(source); DiskWriter w = io.createFile(target, SIZE)) {
            return node.copy(new DiskCopyService.CopyRequest("mig-1/vm-1/disk-0/" + round, "mig-1/vm-1/disk-0", "disk-0",
                    r, w, extents, Map.of(), p -> { }, () -> false, ChecksumMode.SHA256_4M, null, round > 0));
        }
    }
}
