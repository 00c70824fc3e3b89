package io.hoist.core.engine.testdoubles;

import io.hoist.api.Condition;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.Destination;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.transfer.DiskWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A destination that throws the bytes away, for engine benches that measure the engine, not the disk. */
public final class DiscardingDestinationTestDouble implements Destination {
    public final AtomicInteger vmsCreated = new AtomicInteger();
    public final AtomicLong bytes = new AtomicLong();
    /** What a test does when a target is validated (plan validation asks per VM; e.g. count and slow it down). */
    public volatile java.util.function.Consumer<TargetVmSpec> onValidateTarget = spec -> { };

    @Override
    public List<Condition> testConnection() {
        return List.of(Condition.isTrue("ConnectionTestSucceeded", "Tested", Condition.Category.Required, "ok"));
    }

    @Override
    public List<Condition> validateTarget(TargetVmSpec spec) {
        onValidateTarget.accept(spec);
        return List.of();
    }

    @Override
    public List<AllocatedDisk> allocateDisks(TargetVmSpec spec) {
        List<AllocatedDisk> out = new ArrayList<>();
        for (TargetDisk d : spec.disks()) {
            out.add(new AllocatedDisk(d, spec.name() + "/" + d.pvcName()));
        }
        return out;
    }

    @Override
    public DiskWriter openDisk(TargetVmSpec spec, AllocatedDisk disk) {
        return new DiskWriter() {
            @Override
            public void write(long offset, ByteBuffer src) {
                bytes.addAndGet(src.remaining());
                src.position(src.limit());
            }

            @Override
            public void writeZeroes(long offset, long length) {
            }

            @Override
            public void flush() {
            }

            @Override
            public long size() {
                return disk.disk().capacity();
            }

            @Override
            public String describe() {
                return "discard " + disk.handle();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String createVm(TargetVmSpec spec, List<AllocatedDisk> disks) {
        vmsCreated.incrementAndGet();
        return spec.name();
    }

    @Override
    public void cleanup(TargetVmSpec spec, CleanupReason reason, boolean deleteVm) {
    }
}
