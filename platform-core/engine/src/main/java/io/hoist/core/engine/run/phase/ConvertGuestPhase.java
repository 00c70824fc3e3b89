package io.hoist.core.engine.run.phase;

import io.hoist.api.convert.ConversionListener;
import io.hoist.api.convert.ConversionRequest;
import io.hoist.api.convert.ConversionResult;
import io.hoist.api.convert.ConvertibleDisk;
import io.hoist.api.convert.GuestAddress;
import io.hoist.api.convert.GuestConverter;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.ConvertibleDestination;
import io.hoist.api.destination.DiskLocation;
import io.hoist.api.source.ReportsGuestAddresses;
import io.hoist.api.hook.HookLog;
import io.hoist.api.transfer.DiskReader;
import io.hoist.core.engine.hooks.StepLogs;
import io.hoist.core.engine.itinerary.Phase;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.run.Outcome;
import io.hoist.core.engine.run.VmContext;
import io.hoist.core.engine.run.VmStatusEditor;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.model.resource.ControllerSettings;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.transfer.checksum.Checksums;
import io.hoist.core.transfer.file.FileDiskReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * ConvertGuest: the first installed converter that accepts the source type and guest OS converts the copied disks
 * where the destination says they lie; none (or a destination that cannot say) is a skip. Conversion takes minutes,
 * so it runs on its own virtual thread while the VM waits; canceling the VM interrupts it. Re-entered after a crash,
 * the converter is called again with the same run id and resumes from the verified copy (its contract).
 */
public final class ConvertGuestPhase {
    private final Extensions extensions;
    private final DiskPhases disks;
    private final Supplier<ControllerSettings> settings;
    private final StepLogs logs;

    /** A running conversion of one VM (per-VM state of this handler). */
    static final class Running {
        volatile CompletableFuture<ConversionResult> result;
        volatile Thread thread;
        volatile String converter;
    }

    public ConvertGuestPhase(Extensions extensions, DiskPhases disks, Supplier<ControllerSettings> settings, StepLogs logs) {
        this.extensions = extensions;
        this.disks = disks;
        this.settings = settings;
        this.logs = logs;
    }

    public Outcome run(VmContext vm) throws Exception {
        Running running = vm.attachment(Running.class, Running::new);
        if (running.result != null) {
            return finish(vm, running);
        }
        if (Boolean.TRUE.equals(vm.plan().spec.skipGuestConversion)) {
            vm.status().skipStep(Step.ImageConversion, "skipped: skipGuestConversion is set");
            return Outcome.NEXT;
        }
        String os = vm.sourceVm().osType();
        GuestConverter converter = extensions.guestConverters().stream()
                .filter(g -> g.accepts(vm.sourceType(), os)).findFirst().orElse(null);
        if (converter == null) {
            vm.status().skipStep(Step.ImageConversion, "skipped: no installed guest converter converts "
                    + vm.sourceType() + " guests");
            return Outcome.NEXT;
        }
        if (!(vm.destination() instanceof ConvertibleDestination where)) {
            vm.status().skipStep(Step.ImageConversion, "skipped: the " + vm.destinationInstance().config().type()
                    + " destination does not expose its disks to a guest converter");
            return Outcome.NEXT;
        }
        var target = vm.target();
        List<ConvertibleDisk> located = new ArrayList<>();
        for (AllocatedDisk a : disks.allocated(vm)) {
            located.add(new ConvertibleDisk(a, where.locate(target, a)));
        }
        List<GuestAddress> addresses = vm.plan().spec.preserveStaticIPsOrDefault() && vm.source() instanceof ReportsGuestAddresses r
                ? r.guestAddresses(vm.sourceVm()) : List.of();
        ConversionRequest request = new ConversionRequest(vm.message().migrationUid() + "/" + vm.message().vmId(), target, located,
                GuestConversion.options(vm.plan().spec, settings.get()), addresses);
        var plan = vm.message().plan();
        HookLog log = logs.open(plan.namespace(), plan.name(), vm.message().migrationUid(), vm.message().vmId(), Step.ImageConversion.name());
        String vmName = vm.planVm().name != null ? vm.planVm().name : vm.message().vmId();
        vm.status().durable(v -> VmStatusEditor.annotate(VmStatusEditor.step(v, Step.ImageConversion), "log",
                "hoist logs " + plan.name() + " " + vmName + " --step " + Step.ImageConversion.name() + " -n " + plan.namespace()));
        ConversionListener listener = new ConversionListener() {
            @Override
            public void stage(String stage, int percent) {
                vm.status().live(v -> GuestConversion.stage(v, stage, percent));
            }

            @Override
            public void output(String line) {
                log.append(line + "\n");
            }

            @Override
            public void restarted() {
                log.clear();
            }
        };
        CompletableFuture<ConversionResult> f = new CompletableFuture<>();
        running.converter = converter.name();
        running.result = f;
        running.thread = Thread.ofVirtual().name("convert-" + vm.message().vmId()).start(() -> {
            try {
                f.complete(extensions.call(converter, () -> converter.convert(request, listener)));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        vm.onCancel(() -> {
            Thread t = running.thread;
            if (t != null) {
                t.interrupt(); // the converter stops its tool; the verified copy is kept
            }
        });
        return Outcome.waitFor(f, null);
    }

    /** Records the converter's findings and the converted images' checksums beside the copied ones. */
    private Outcome finish(VmContext vm, Running running) throws Exception {
        CompletableFuture<ConversionResult> f = running.result;
        if (!f.isDone()) {
            return Outcome.waitFor(f, null);
        }
        running.result = null;
        running.thread = null;
        ConversionResult result = f.join();
        Map<String, String> copied = new LinkedHashMap<>();
        Map<String, String> converted = new LinkedHashMap<>();
        // The last copy's checksums: a warm migration's final delta is recorded on the Cutover step.
        VmStatus entry = vm.entry();
        VmStatus.Step lastCopy = VmStatusEditor.step(entry, vm.itinerary().contains(Phase.CopyFinalDelta) ? Step.Cutover : Step.DiskTransfer);
        ConvertibleDestination where = (ConvertibleDestination) vm.destination();
        for (AllocatedDisk a : disks.allocated(vm)) {
            String id = a.disk().sourceDiskId();
            String sum = VmStatusEditor.annotation(lastCopy, "checksum." + id + ".target");
            if (sum != null) {
                copied.put(id, sum);
            }
            if (where.locate(vm.target(), a) instanceof DiskLocation.LocalFile file) {
                try (DiskReader r = new FileDiskReader(file.path())) {
                    converted.put(id, Checksums.of(r));
                }
            }
        }
        String name = running.converter;
        vm.status().durable(v -> GuestConversion.record(v, name, result, copied, converted));
        vm.target(GuestConversion.apply(vm.target(), vm.entry()));
        return Outcome.NEXT;
    }
}
