package io.hoist.core.engine.testdoubles;

import io.hoist.api.Condition;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.Destination;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.transfer.DiskWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A destination that writes raw disk files under a folder and counts VM creations, for engine
 * tests: {@code <root>/<namespace>/<vm>/<pvc>.raw} and a {@code vm.created} marker per VM.
 */
public final class FolderDestinationTestDouble implements Destination, io.hoist.api.destination.ConvertibleDestination,
        io.hoist.api.destination.AttachesExternalVolumes {
    /** External volumes attached, as {@code namespace/vm/sourceDiskId} → volume id (no file is made for them). */
    public final Map<String, String> attachedVolumes = new ConcurrentHashMap<>();

    private final Path root;
    public final Map<String, AtomicInteger> creations = new ConcurrentHashMap<>();
    public final AtomicInteger cleanups = new AtomicInteger();
    /** The spec each VM was last created with. */
    public final Map<String, TargetVmSpec> created = new ConcurrentHashMap<>();
    /** Every cleanup call as "vm:reason:deleteVm". */
    public final java.util.List<String> cleanupCalls = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Hand out writers that are streams (as an upload target's are): the copier records attempts, never resumes. */
    public volatile boolean streamingWriters;

    public FolderDestinationTestDouble(Path root) {
        this.root = root;
    }

    @Override
    public List<Condition> testConnection() {
        return List.of(Condition.isTrue("ConnectionTestSucceeded", "Tested", Condition.Category.Required, "ok"));
    }

    /** Names of VMs already on the destination that migration did not make (VMAlreadyExists for them). */
    public final java.util.Set<String> foreignVms = ConcurrentHashMap.newKeySet();
    /** The one copy of each shared disk, by share id. */
    public final Map<String, Path> sharedCopies = new ConcurrentHashMap<>();

    @Override
    public List<Condition> validateTarget(TargetVmSpec spec) {
        if (foreignVms.contains(spec.namespace() + "/" + spec.name())) {
            return List.of(Condition.isTrue("VMAlreadyExists", "NotValid", Condition.Category.Critical,
                    "a VM named " + spec.name() + " already exists in " + spec.namespace()));
        }
        return List.of();
    }

    @Override
    public boolean sharedDiskExists(String namespace, String shareId) {
        return sharedCopies.containsKey(shareId);
    }

    @Override
    public io.hoist.api.destination.DiskLocation locate(TargetVmSpec spec, AllocatedDisk disk) {
        return new io.hoist.api.destination.DiskLocation.LocalFile(Path.of(disk.handle()), "raw");
    }

    public Path vmDir(TargetVmSpec spec) {
        return root.resolve(spec.namespace()).resolve(spec.name());
    }

    public Path diskFile(String namespace, String vm, String pvc) {
        return root.resolve(namespace).resolve(vm).resolve(pvc + ".raw");
    }

    /** Every disk file allocated, by {@code namespace/vm/sourceDiskId} (PVC names follow the plan's template). */
    public final Map<String, Path> allocatedFiles = new ConcurrentHashMap<>();

    /** The file allocated for a source disk of a VM, whatever the plan's PVC name template made of its name. */
    public Path diskFileOf(String namespace, String vm, String sourceDiskId) {
        Path f = allocatedFiles.get(namespace + "/" + vm + "/" + sourceDiskId);
        if (f == null) {
            throw new AssertionError("no disk allocated for " + namespace + "/" + vm + "/" + sourceDiskId
                    + "; allocated: " + allocatedFiles.keySet());
        }
        return f;
    }

    @Override
    public List<AllocatedDisk> allocateDisks(TargetVmSpec spec) throws IOException {
        Files.createDirectories(vmDir(spec));
        List<AllocatedDisk> out = new ArrayList<>();
        for (TargetDisk d : spec.disks()) {
            if (d.external()) {
                attachedVolumes.put(spec.namespace() + "/" + spec.name() + "/" + d.sourceDiskId(), d.externalVolume().volumeId());
                out.add(new AllocatedDisk(d, "volume:" + d.externalVolume().volumeId()));
                continue;
            }
            if (d.attachOnly()) { // another VM copies it: attach that copy (none yet: the VM goes without it)
                Path copy = sharedCopies.get(d.shareId());
                if (copy != null) {
                    allocatedFiles.put(spec.namespace() + "/" + spec.name() + "/" + d.sourceDiskId(), copy);
                    out.add(new AllocatedDisk(d, copy.toString()));
                }
                continue;
            }
            Path f = vmDir(spec).resolve(d.pvcName() + ".raw");
            if (d.shared()) {
                sharedCopies.putIfAbsent(d.shareId(), f);
            }
            if (!Files.exists(f)) {
                try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                    raf.setLength(d.capacity());
                }
            }
            allocatedFiles.put(spec.namespace() + "/" + spec.name() + "/" + d.sourceDiskId(), f);
            out.add(new AllocatedDisk(d, f.toString()));
        }
        return out;
    }

    @Override
    public DiskWriter openDisk(TargetVmSpec spec, AllocatedDisk disk) throws IOException {
        if (disk.disk().external()) {
            throw new IllegalStateException("external volume " + disk.handle() + " must never be written");
        }
        FileChannel ch = FileChannel.open(Path.of(disk.handle()), StandardOpenOption.WRITE);
        long size = disk.disk().capacity();
        return streamingWriters ? new StreamingFileWriter(ch, size, disk.handle()) : new FileWriter(ch, size, disk.handle());
    }

    /** The disk file as a plain random-access target. */
    private static class FileWriter implements DiskWriter {
        private final FileChannel ch;
        private final long size;
        private final String name;

        FileWriter(FileChannel ch, long size, String name) {
            this.ch = ch;
            this.size = size;
            this.name = name;
        }

        @Override
        public void write(long offset, ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                offset += ch.write(src, offset);
            }
        }

        @Override
        public void writeZeroes(long offset, long length) throws IOException {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length, 1 << 20));
            long done = 0;
            while (done < length) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), length - done));
                write(offset + done, zeros);
                done += zeros.limit();
            }
        }

        @Override
        public void flush() throws IOException {
            ch.force(false);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /** The disk file taken as an upload would be (a stream the copier never resumes), for {@link #streamingWriters}. */
    private static final class StreamingFileWriter extends FileWriter implements io.hoist.core.transfer.copy.StreamingDiskWriter {
        StreamingFileWriter(FileChannel ch, long size, String name) {
            super(ch, size, name);
        }

        @Override
        public void abort() {}
    }

    @Override
    public String createVm(TargetVmSpec spec, List<AllocatedDisk> disks) throws IOException {
        created.put(spec.name(), spec);
        Path marker = vmDir(spec).resolve("vm.created");
        if (!Files.exists(marker)) {
            creations.computeIfAbsent(spec.name(), k -> new AtomicInteger()).incrementAndGet();
            Files.writeString(marker, spec.toString());
        }
        return spec.namespace() + "/" + spec.name();
    }

    @Override
    public void cleanup(TargetVmSpec spec, CleanupReason reason, boolean deleteVm) throws IOException {
        cleanups.incrementAndGet();
        cleanupCalls.add(spec.name() + ":" + reason + ":" + deleteVm);
        if (deleteVm && Files.exists(vmDir(spec))) {
            try (var s = Files.walk(vmDir(spec))) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
