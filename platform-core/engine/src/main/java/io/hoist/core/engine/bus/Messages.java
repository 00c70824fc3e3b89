package io.hoist.core.engine.bus;

import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.model.ResourceKind;
import java.util.List;

/** The engine's event-bus messages: immutable records of plain values, each with a {@link RecordCodec}. */
public final class Messages {
    private Messages() {}

    /** Identifies a plan by namespace and name. */
    public record PlanKey(String namespace, String name) {
        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    /**
     * Run or resume one VM of the migration {@code migrationUid}. {@code epoch}: on a cluster, the run's placement
     * epoch the leader took when it sent the run to a node (the node's writes for the run are refused once a newer one
     * exists); 0 in one process.
     */
    public record RunVm(PlanKey plan, String migrationName, String migrationUid, String vmId, long epoch) {
        public RunVm(PlanKey plan, String migrationName, String migrationUid, String vmId) {
            this(plan, migrationName, migrationUid, vmId, 0);
        }

        /** This run as sent to a node at placement epoch {@code epoch}. */
        public RunVm withEpoch(long epoch) {
            return new RunVm(plan, migrationName, migrationUid, vmId, epoch);
        }
    }

    /** Cancel these VMs (plan VM ids) of a migration. */
    public record CancelVms(PlanKey plan, String migrationUid, List<String> vmIds) {}

    /**
     * Live progress of one disk copy of a VM's step ({@code step}: MTV's step name, e.g. DiskTransfer), published by
     * the copy consumer; the status writer's progress listener shows it on the VM's task, metrics count it
     * ({@code host}: the source host's key, as the transfer slots count it).
     */
    public record DiskProgress(PlanKey plan, String migrationUid, String migrationName, String vmId, String step,
                               String host, TransferProgress progress) {}

    /**
     * Copy the disks of one VM's copy round ({@code copyId}: unique per migration, VM and round), sent to the
     * consumer of the source host's address ({@link Addresses#diskCopy(String)}). The consumer takes it only when it
     * has credit on that host; it then asks for {@code disks} transfer slots at once (plan cap {@code planCap}, 0 =
     * none) and answers with one {@link CopyDone} on {@link Addresses#DISK_COPY_DONE}.
     */
    public record CopyDisks(PlanKey plan, String migrationUid, String vmId, String copyId, String hostKey, int disks,
                            int planCap) {}

    /** What one disk copy produced (checksum: the mode's label, sha256-4m, xxh128-4m or none). */
    public record DiskCopied(String diskId, long bytesCopied, long bytesTotal, String checksum, String sourceChecksum,
                             String targetChecksum) {}

    /**
     * The end of a {@link CopyDisks}: every disk copied, or the first failure ({@code errorType}: a
     * {@code HoistException.Type} name; {@code canceled} when a cancel stopped it).
     */
    public record CopyDone(String copyId, String vmId, List<DiskCopied> disks, boolean canceled, String errorType,
                           String error) {}

    /** Reconcile one object. */
    public record Reconcile(ResourceKind kind, String namespace, String name) {}

    /** Every message type, for codec registration. */
    public static final List<Class<?>> TYPES = List.of(RunVm.class, CancelVms.class, DiskProgress.class, Reconcile.class,
            CopyDisks.class, DiskCopied.class, CopyDone.class);
}
