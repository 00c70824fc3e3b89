package io.hoist.api.source;

import io.hoist.api.Condition;
import java.util.Objects;

/**
 * Something done to a source VM by someone else while Hoist migrates it (moved to another host, snapshotted, powered
 * on during a cold copy, ...), as a source reports it through {@link SourceVmChanges}. The platform shows it on the
 * VM's migration status as an MTV condition ({@code type}, status True, {@code category}, {@code reason},
 * {@code message}, with its timestamp) and as an Event.
 *
 * @param vmId     the VM's id as the source knows it ({@link SourceVm#id()})
 * @param type     the condition type, stable per kind of change (e.g. {@code VMMovedDuringMigration}); a later report
 *                 of the same type replaces the earlier one
 * @param category {@link Condition.Category#Warn} when the migration copes (it followed the VM), {@link
 *                 Condition.Category#Critical} when the result would differ or the migration stops
 * @param reason   a short CamelCase reason (e.g. {@code HostChanged})
 * @param message  what changed, from what to what, and what the migration did about it; never a secret
 */
public record SourceVmChange(String vmId, String type, Condition.Category category, String reason, String message) {
    public SourceVmChange {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        if (type.isBlank() || reason.isBlank()) {
            throw new IllegalArgumentException("a VM change needs a type and a reason");
        }
    }
}
