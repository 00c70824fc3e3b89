package io.hoist.core.engine.run.phase;

import io.hoist.api.source.PowerState;
import io.hoist.api.source.SourceVm;
import io.hoist.core.engine.run.Outcome;
import io.hoist.core.engine.run.VmContext;
import java.time.Duration;

/** Started (describe the source VM), StorePowerState, PowerOffSource and PowerOffSourceForCutover. */
public final class PowerPhases {
    private final Delays delays;

    public PowerPhases(Delays delays) {
        this.delays = delays;
    }

    public Outcome started(VmContext vm) throws Exception {
        vm.sourceVm();
        return Outcome.NEXT;
    }

    /** Records whether the source ran, once: cleanup after a failure or cancel powers it back on. */
    public Outcome storePowerState(VmContext vm) throws Exception {
        if (vm.entry().restorePowerState == null) {
            PowerState state = vm.source().powerState(vm.sourceVm());
            String value = state == PowerState.ON ? "On" : "Off";
            vm.status().durable(v -> v.restorePowerState = value);
        }
        return Outcome.NEXT;
    }

    public Outcome powerOff(VmContext vm) throws Exception {
        SourceVm source = vm.sourceVm();
        if (vm.source().powerState(source) == PowerState.OFF) {
            return Outcome.NEXT;
        }
        vm.source().powerOff(source);
        if (vm.source().powerState(source) == PowerState.OFF) {
            return Outcome.NEXT;
        }
        return Outcome.waitFor(delays.after(Duration.ofSeconds(2)), "waiting for the source VM to power off");
    }
}
