package io.hoist.core.engine.run;

import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.SourceVmChange;
import io.hoist.core.model.meta.Condition;
import java.util.function.BiConsumer;

/**
 * Puts what a source reports about a VM changed under a running migration (plugin-api {@code SourceVmChanges}) on
 * that VM's status: a condition of the reported type, status True, with its category, reason and message (the
 * status writer mirrors it to the Migration; the event recorder turns it into an Event). Only runs that read this VM
 * through the reporting provider get it; a report for a VM no migration runs here is only logged.
 */
public final class SourceVmChangeConditions implements BiConsumer<ProviderConfig, SourceVmChange> {
    private static final System.Logger LOG = System.getLogger(SourceVmChangeConditions.class.getName());

    private final RunRegistry runs;

    public SourceVmChangeConditions(RunRegistry runs) {
        this.runs = runs;
    }

    @Override
    public void accept(ProviderConfig provider, SourceVmChange change) {
        int shown = 0;
        for (VmRun run : runs.runs()) {
            VmContext vm = run.contextIfLoaded();
            if (vm != null && readsThroughProvider(vm, provider) && isVm(vm, change.vmId())) {
                // live: the reporting plugin call must not wait for a store write (the next status batch stores it)
                vm.status().live(v -> VmStatusEditor.setCondition(v, Condition.of(change.type(), Condition.TRUE,
                        change.category().name(), change.reason(), change.message())));
                shown++;
            }
        }
        LOG.log(shown > 0 ? System.Logger.Level.WARNING : System.Logger.Level.INFO, "provider " + provider.namespace() + "/"
                + provider.name() + ": VM " + change.vmId() + " changed during " + (shown > 0 ? "its migration" : "no running migration")
                + " (" + change.category() + " " + change.type() + "/" + change.reason() + "): " + change.message());
    }

    private static boolean readsThroughProvider(VmContext vm, ProviderConfig provider) {
        return provider.uid() != null && provider.uid().equals(vm.sourceInstance().config().uid());
    }

    /** A plan may name the VM by name; the source reports its id: the described VM knows both. */
    private static boolean isVm(VmContext vm, String vmId) {
        SourceVm described = vm.sourceVmIfKnown();
        return vmId.equals(vm.message().vmId()) || described != null && vmId.equals(described.id());
    }
}
