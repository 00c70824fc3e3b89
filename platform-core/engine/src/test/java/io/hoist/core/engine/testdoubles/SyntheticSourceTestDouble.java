package io.hoist.core.engine.testdoubles;

import io.hoist.api.Condition;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.source.ChangedAreas;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.Snapshots;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A source that exists only in memory, for engine tests and benches: VMs {@code vm-0..vm-N-1} on
 * hosts {@code host-0..}, each with disks whose bytes are a deterministic function of
 * (vm, disk, offset, generation). Writing to a disk ({@link #touch}) bumps the generation of a
 * range, which the ChangedAreas ability then reports. Snapshots freeze the generations.
 */
public final class SyntheticSourceTestDouble implements SourceProvider, Snapshots, ChangedAreas, io.hoist.api.source.DetachesDisks {
    public static final int BLOCK = 64 * 1024;

    private final int vms;
    private final int disksPerVm;
    private final long diskSize;
    private final int hosts;
    private final Map<String, PowerState> power = new ConcurrentHashMap<>();
    /** Generation of each 64 KiB block of each disk; 0 everywhere at start. Key vmId/diskId. */
    private final Map<String, int[]> generations = new ConcurrentHashMap<>();
    private final Map<String, Map<String, int[]>> snapshots = new ConcurrentHashMap<>();
    private final AtomicInteger snapshotSeq = new AtomicInteger();
    public final AtomicInteger snapshotsAlive = new AtomicInteger();
    public final AtomicInteger powerOffs = new AtomicInteger();
    /** Bytes handed out by every disk reader (a resumed copy reads less than a whole disk). */
    public final java.util.concurrent.atomic.AtomicLong bytesRead = new java.util.concurrent.atomic.AtomicLong();
    /** VMs whose disk reads fail, to provoke failed migrations. */
    public final java.util.Set<String> failingVms = ConcurrentHashMap.newKeySet();
    /**
     * VMs whose disk reads wait (interruptibly, as a stalled source) until they leave this set: holds a copy open for
     * as long as a test needs, whatever the machine's load, instead of a bandwidth budget that a busy machine outruns.
     */
    public final java.util.Set<String> heldVms = ConcurrentHashMap.newKeySet();

    /**
     * What a test makes of each described VM (its name, identity, shared disks, surroundings); ids of the VM and its
     * disks must stay, since the synthetic content derives from them.
     */
    public volatile java.util.function.UnaryOperator<SourceVm> reshape = java.util.function.UnaryOperator.identity();

    /** External-volume disks detached from their VM, as {@code vmId/diskId}, in call order. */
    public final List<String> detached = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Disks whose bytes were asked for, as {@code vmId/diskId}. */
    public final java.util.Set<String> opened = ConcurrentHashMap.newKeySet();

    @Override
    public void detachDisk(SourceVm vm, SourceDisk disk) {
        if (!disk.external()) {
            throw new IllegalStateException("only external volumes are detached, not " + disk.id());
        }
        detached.add(vm.id() + "/" + disk.id());
    }

    public SyntheticSourceTestDouble(int vms, int disksPerVm, long diskSize, int hosts, boolean running) {
        this.vms = vms;
        this.disksPerVm = disksPerVm;
        this.diskSize = diskSize;
        this.hosts = Math.max(1, hosts);
        for (int i = 0; i < vms; i++) {
            power.put("vm-" + i, running ? PowerState.ON : PowerState.OFF);
        }
    }

    @Override
    public List<Condition> testConnection() {
        return List.of(Condition.isTrue("ConnectionTestSucceeded", "Tested", Condition.Category.Required, "Connection test succeeded."));
    }

    @Override
    public void collectInventory(InventoryPublisher publisher) {
        for (int i = 0; i < vms; i++) {
            publisher.put("vms", "vm-" + i, "vm-" + i, Map.of("id", "vm-" + i, "name", "vm-" + i));
        }
        publisher.put("networks", "net-a", "net-a", Map.of("id", "net-a", "name", "net-a"));
        publisher.put("datastores", "ds-a", "ds-a", Map.of("id", "ds-a", "name", "ds-a"));
    }

    /** Calls of {@link #describe} (tests of what the engine remembers instead of asking). */
    public final AtomicInteger describeCalls = new AtomicInteger();

    @Override
    public Optional<SourceVm> describe(VmRef ref) {
        describeCalls.incrementAndGet();
        String id = ref.id() != null ? ref.id() : ref.name();
        if (id == null || !id.startsWith("vm-")) {
            return Optional.empty();
        }
        int n;
        try {
            n = Integer.parseInt(id.substring(3));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (n < 0 || n >= vms) {
            return Optional.empty();
        }
        List<SourceDisk> disks = new ArrayList<>();
        for (int d = 0; d < disksPerVm; d++) {
            disks.add(new SourceDisk("disk-" + d, "[ds-a] " + id + "/" + id + "_" + d + ".vmdk", diskSize, "ds-a", "scsi", false, d == 0 ? 1 : 0));
        }
        List<SourceNic> nics = List.of(new SourceNic("nic-0", String.format("00:50:56:%02x:%02x:01", n / 256 % 256, n % 256), "net-a", "net-a", "vmxnet3"));
        return Optional.of(reshape.apply(new SourceVm(id, id, 2, 2, 1, 4L << 30, Firmware.EFI, false, power.get(id),
                "host-" + (n % hosts), "rhel9_64Guest", disks, nics)));
    }

    private int[] gens(String vmId, String diskId) {
        return generations.computeIfAbsent(vmId + "/" + diskId, k -> new int[(int) ((diskSize + BLOCK - 1) / BLOCK)]);
    }

    /** Simulates guest writes: bumps the generation of every block touching the range. */
    public void touch(String vmId, String diskId, long offset, long length) {
        int[] g = gens(vmId, diskId);
        for (long b = offset / BLOCK; b <= (offset + length - 1) / BLOCK && b < g.length; b++) {
            g[(int) b]++;
        }
    }

    /** The byte at {@code pos} of a disk whose block generations are {@code g}: zero in every 4th MiB. */
    public static byte byteAt(String vmId, String diskId, int[] g, long pos) {
        return byteAt(seed(vmId, diskId), g, pos);
    }

    private static long seed(String vmId, String diskId) {
        return vmId.hashCode() * 31L + diskId.hashCode();
    }

    /** As above with the disk's seed computed once per read (hashing the ids per byte was most of a bench's CPU). */
    private static byte byteAt(long seed, int[] g, long pos) {
        int block = (int) (pos / BLOCK);
        if ((pos >> 20) % 4 == 3 && g[block] == 0) {
            return 0;
        }
        long x = pos * 0x9E3779B97F4A7C15L ^ seed ^ ((long) g[block] << 40);
        x ^= x >>> 29;
        return (byte) (x | 1);
    }

    /**
     * {@code n} bytes from {@code pos} into {@code dst}, the same as {@link #byteAt} byte by byte, a block and a MiB at
     * a time through one array: a byte-wise put with a division per byte was a tenth of the engine bench's CPU.
     */
    private static void fill(long seed, int[] g, long pos, int n, ByteBuffer dst) {
        byte[] chunk = new byte[(int) Math.min(n, 64 * 1024)];
        long end = pos + n;
        while (pos < end) {
            int block = (int) (pos / BLOCK);
            long runEnd = Math.min(end, Math.min((block + 1L) * BLOCK, ((pos >> 20) + 1) << 20));
            int len = (int) Math.min(runEnd - pos, chunk.length);
            if ((pos >> 20) % 4 == 3 && g[block] == 0) {
                java.util.Arrays.fill(chunk, 0, len, (byte) 0);
            } else {
                long mix = seed ^ ((long) g[block] << 40);
                for (int i = 0; i < len; i++) {
                    long x = (pos + i) * 0x9E3779B97F4A7C15L ^ mix;
                    x ^= x >>> 29;
                    chunk[i] = (byte) (x | 1);
                }
            }
            dst.put(chunk, 0, len);
            pos += len;
        }
    }

    @Override
    public DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) {
        opened.add(vm.id() + "/" + disk.id());
        int[] g = snapshot == null ? gens(vm.id(), disk.id()) : snapshots.get(snapshot.id()).get(disk.id());
        return new DiskReader() {
            @Override
            public long size() {
                return diskSize;
            }

            @Override
            public List<Extent> extents(long offset, long length) {
                List<Extent> out = new ArrayList<>();
                long pos = offset;
                long end = Math.min(diskSize, offset + length);
                while (pos < end) {
                    long mib = pos >> 20;
                    long next = Math.min(end, (mib + 1) << 20);
                    boolean zero = mib % 4 == 3 && allZeroGen(g, pos, next);
                    if (!out.isEmpty() && out.get(out.size() - 1).zero() == zero) {
                        Extent last = out.remove(out.size() - 1);
                        out.add(new Extent(last.offset(), next - last.offset(), zero));
                    } else {
                        out.add(new Extent(pos, next - pos, zero));
                    }
                    pos = next;
                }
                return out;
            }

            @Override
            public int read(long offset, ByteBuffer dst) throws java.io.IOException {
                if (failingVms.contains(vm.id())) {
                    throw new java.io.IOException("synthetic read error on " + vm.id());
                }
                while (heldVms.contains(vm.id())) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("read of " + vm.id() + " interrupted while held");
                    }
                }
                int n = (int) Math.min(dst.remaining(), diskSize - offset);
                fill(seed(vm.id(), disk.id()), g, offset, n, dst);
                bytesRead.addAndGet(n);
                return n;
            }

            @Override
            public String describe() {
                return "synthetic " + vm.id() + "/" + disk.id();
            }

            @Override
            public void close() {
            }
        };
    }

    private static boolean allZeroGen(int[] g, long from, long to) {
        for (long b = from / BLOCK; b < (to + BLOCK - 1) / BLOCK && b < g.length; b++) {
            if (g[(int) b] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public PowerState powerState(SourceVm vm) {
        return power.get(vm.id());
    }

    @Override
    public void powerOff(SourceVm vm) {
        powerOffs.incrementAndGet();
        power.put(vm.id(), PowerState.OFF);
    }

    @Override
    public void powerOn(SourceVm vm) {
        power.put(vm.id(), PowerState.ON);
    }

    /** The createSnapshot call of this number (1-based, counted over all VMs) fails as an unreachable source; 0 none. */
    public volatile int failSnapshotCall;
    private final java.util.concurrent.atomic.AtomicInteger snapshotCalls = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public SnapshotRef createSnapshot(SourceVm vm, String description) {
        if (snapshotCalls.incrementAndGet() == failSnapshotCall) {
            throw new io.hoist.api.HoistException(io.hoist.api.HoistException.Type.UNAVAILABLE, "SnapshotFailed",
                    "scripted: the source did not answer the snapshot request");
        }
        String id = "snap-" + snapshotSeq.incrementAndGet();
        Map<String, int[]> frozen = new ConcurrentHashMap<>();
        Map<String, String> changeIds = new java.util.HashMap<>();
        for (int d = 0; d < disksPerVm; d++) {
            frozen.put("disk-" + d, gens(vm.id(), "disk-" + d).clone());
            changeIds.put("disk-" + d, id);
        }
        snapshots.put(id, frozen);
        snapshotsAlive.incrementAndGet();
        return new SnapshotRef(id, changeIds);
    }

    @Override
    public void removeSnapshot(SourceVm vm, SnapshotRef snapshot) {
        // The frozen generations stay readable for comparison; only the count of live snapshots drops.
        snapshotsAlive.decrementAndGet();
    }

    @Override
    public List<Extent> changedAreas(SourceVm vm, SourceDisk disk, SnapshotRef previous, SnapshotRef current) {
        int[] now = snapshots.get(current.id()).get(disk.id());
        int[] before = previous == null ? new int[now.length] : snapshots.get(previous.id()).get(disk.id());
        List<Extent> out = new ArrayList<>();
        for (int b = 0; b < now.length; b++) {
            long off = (long) b * BLOCK;
            boolean changed = previous == null || now[b] != before[b];
            if (changed) {
                long len = Math.min(BLOCK, diskSize - off);
                if (!out.isEmpty() && out.get(out.size() - 1).end() == off) {
                    Extent last = out.remove(out.size() - 1);
                    out.add(Extent.data(last.offset(), last.length() + len));
                } else {
                    out.add(Extent.data(off, len));
                }
            }
        }
        return out;
    }

    /** Expected content of a disk after a full migration: the live generations. */
    public int[] liveGenerations(String vmId, String diskId) {
        return gens(vmId, diskId).clone();
    }
}
