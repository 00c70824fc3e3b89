package io.hoist.core.engine.run.phase;

import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.phase.MigrationPhases;
import io.hoist.api.phase.PhaseContext;
import io.hoist.api.phase.PhaseResult;
import io.hoist.api.source.SourceVm;
import io.hoist.core.engine.run.Outcome;
import io.hoist.core.engine.run.VmContext;
import io.hoist.core.engine.run.VmStatusEditor;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.model.resource.VmStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a phase that a VM's source or destination plugin contributed or took over ({@link MigrationPhases}). The
 * phase's durable state lives on its pipeline step as {@code hoist.io/phase.<phase>.<key>} annotations, so it
 * survives a restart with the rest of the VM's status.
 */
public final class ProviderPhase {
    private final Extensions extensions;
    private final Delays delays;

    public ProviderPhase(Extensions extensions, Delays delays) {
        this.extensions = extensions;
        this.delays = delays;
    }

    /** The plugin that runs this phase for this VM, if any: the source's first, then the destination's. */
    public static Optional<MigrationPhases> owner(VmContext vm, String phase) {
        boolean warm = vm.itinerary().contains(io.hoist.core.engine.itinerary.Phase.Precopy);
        for (Object plugin : plugins(vm)) {
            if (plugin instanceof MigrationPhases mp && (mp.takenOverPhases(warm).contains(phase)
                    || mp.contributedPhases(warm).stream().anyMatch(s -> s.name().equals(phase)))) {
                return Optional.of(mp);
            }
        }
        return Optional.empty();
    }

    private static List<Object> plugins(VmContext vm) {
        List<Object> out = new java.util.ArrayList<>();
        vm.sourceInstance().source().ifPresent(out::add);
        vm.destinationInstance().destination().ifPresent(out::add);
        return out;
    }

    public Outcome run(VmContext vm, MigrationPhases plugin) throws Exception {
        String phase = vm.phase().name();
        PhaseResult r = extensions.call(plugin, () -> plugin.executePhase(phase, new Context(vm, phase)));
        return switch (r) {
            case PhaseResult.Done d -> Outcome.NEXT;
            case PhaseResult.Again a -> Outcome.waitFor(delays.after(a.after()), a.reason());
            case PhaseResult.Failed f -> Outcome.fail(f.reason());
        };
    }

    private static final class Context implements PhaseContext {
        private final VmContext vm;
        private final String prefix;

        Context(VmContext vm, String phase) {
            this.vm = vm;
            this.prefix = "phase." + phase + ".";
        }

        @Override
        public String migrationUid() {
            return vm.message().migrationUid();
        }

        @Override
        public SourceVm sourceVm() throws Exception {
            return vm.sourceVm();
        }

        @Override
        public TargetVmSpec target() throws Exception {
            return vm.target();
        }

        @Override
        public List<AllocatedDisk> allocatedDisks() {
            List<AllocatedDisk> a = vm.allocatedIfKnown();
            return a == null ? List.of() : a;
        }

        @Override
        public Map<String, String> state() {
            Map<String, String> out = new LinkedHashMap<>();
            VmStatus.Step s = VmStatusEditor.step(vm.entry(), vm.phase().step());
            if (s.annotations != null) {
                String full = VmStatusEditor.ANN_PREFIX + prefix;
                s.annotations.forEach((k, v) -> {
                    if (k.startsWith(full)) {
                        out.put(k.substring(full.length()), v);
                    }
                });
            }
            return out;
        }

        @Override
        public void putState(String key, String value) {
            vm.status().durable(v -> VmStatusEditor.annotate(VmStatusEditor.step(v, vm.phase().step()), prefix + key, value));
        }

        @Override
        public void progress(long completed, long total) {
            vm.status().live(v -> VmStatusEditor.step(v, vm.phase().step()).progress = VmStatus.Progress.of(completed, total));
        }

        @Override
        public boolean canceled() {
            return vm.canceled();
        }
    }
}
