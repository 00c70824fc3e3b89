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

    /** Run or resume one VM of the migration {@code migrationUid}. */
    public record RunVm(PlanKey plan, String migrationName, String migrationUid, String vmId) {}

    /** Cancel these VMs (plan VM ids) of a migration. */
    public record CancelVms(PlanKey plan, String migrationUid, List<String> vmIds) {}

    /** Live progress of one disk copy; {@code host} is the source host's key, as the transfer slots count it. */
    public record DiskProgress(PlanKey plan, String migrationUid, String vmId, String host, TransferProgress progress) {}

    /** Reconcile one object. */
    public record Reconcile(ResourceKind kind, String namespace, String name) {}

    /** Every message type, for codec registration. */
    public static final List<Class<?>> TYPES = List.of(RunVm.class, CancelVms.class, DiskProgress.class, Reconcile.class);
}
