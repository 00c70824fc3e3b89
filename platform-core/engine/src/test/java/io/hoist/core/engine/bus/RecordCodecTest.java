package io.hoist.core.engine.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.model.ResourceKind;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every engine message crosses a clustered bus unchanged: encoded to the wire and back, equal to what was sent. */
class RecordCodecTest {
    private static final Messages.PlanKey PLAN = new Messages.PlanKey("ns", "plan");
    private static final List<Object> SAMPLES = List.of(
            new Messages.RunVm(PLAN, "run1", "uid-1", "vm-1", 7), // with its placement epoch (a cluster)
            new Messages.CancelVms(PLAN, "uid-1", List.of("vm-1", "vm-2")),
            new Messages.DiskProgress(PLAN, "uid-1", "run1", "vm-1", "DiskTransfer", "uid-src/host-1", new TransferProgress("disk-0", 10, 100, 2.5, 36)),
            new Messages.Reconcile(ResourceKind.MIGRATION, "ns", "run1"),
            new Messages.CopyDisks(PLAN, "uid-1", "vm-1", "uid-1/vm-1/r1", "prov/host-0", 2, 0),
            new Messages.DiskCopied("disk-0", 10, 100, "sha256-4m", "sha256-4m:aa", "sha256-4m:aa"),
            new Messages.CopyDone("uid-1/vm-1/r1", "vm-1", List.of(new Messages.DiskCopied("disk-0", 10, 100, "none", null, null)),
                    false, "UNAVAILABLE", "connection lost"));

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyMessageRoundTripsOverTheWire() {
        assertThat(SAMPLES).extracting(Object::getClass).as("a sample of every message type").containsExactlyInAnyOrderElementsOf(Messages.TYPES);
        for (Object sample : SAMPLES) {
            RecordCodec codec = new RecordCodec(sample.getClass());
            Buffer wire = Buffer.buffer().appendString("prefix"); // a codec reads from its position, not from 0
            codec.encodeToWire(wire, sample);
            assertThat(codec.decodeFromWire(6, wire)).as(sample.getClass().getSimpleName()).isEqualTo(sample);
            assertThat(codec.transform(sample)).isSameAs(sample);
        }
    }
}
