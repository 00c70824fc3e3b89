package io.hoist.core.engine.run.phase;

import io.hoist.api.convert.GuestConverter;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.run.Outcome;
import io.hoist.core.engine.run.VmContext;
import io.hoist.core.engine.runtime.Extensions;

/** ConvertGuest: the first installed converter that accepts the source type and guest OS runs; none is a skip. */
public final class ConvertGuestPhase {
    private final Extensions extensions;
    private final DiskPhases disks;

    public ConvertGuestPhase(Extensions extensions, DiskPhases disks) {
        this.extensions = extensions;
        this.disks = disks;
    }

    public Outcome run(VmContext vm) throws Exception {
        if (Boolean.TRUE.equals(vm.plan().spec.skipGuestConversion)) {
            vm.status().skipStep(Step.ImageConversion, "skipped: skipGuestConversion is set");
            return Outcome.NEXT;
        }
        String os = vm.sourceVm().osType();
        GuestConverter converter = extensions.guestConverters().stream()
                .filter(g -> g.accepts(vm.sourceType(), os)).findFirst().orElse(null);
        if (converter == null) {
            vm.status().skipStep(Step.ImageConversion, "skipped: no guest converter installed");
            return Outcome.NEXT;
        }
        var target = vm.target();
        var allocated = disks.allocated(vm);
        extensions.call(converter, () -> {
            converter.convert(target, allocated);
            return null;
        });
        return Outcome.NEXT;
    }
}
