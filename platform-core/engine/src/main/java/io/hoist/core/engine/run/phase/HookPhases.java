package io.hoist.core.engine.run.phase;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.HoistException;
import io.hoist.api.hook.HookRunner;
import io.hoist.api.hook.HookSpec;
import io.hoist.core.engine.hooks.EngineHookRun;
import io.hoist.core.engine.hooks.Hooks;
import io.hoist.core.engine.hooks.StepLogs;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.run.Outcome;
import io.hoist.core.engine.run.VmContext;
import io.hoist.core.engine.run.VmLoader;
import io.hoist.core.engine.run.VmStatusEditor;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.engine.runtime.HostServices;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.resource.Hook;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.store.ResourceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PreHook and PostHook: the plan VM's Hook runs on the first installed runner whose {@code check} accepts it for the
 * plan's destination. The run id is the same after a restart of the platform, so the runner adopts a hook it already
 * started (or returns the outcome it recorded) instead of running it twice; the step's completion is then written
 * durably before the next phase. A new Migration gets new run ids: a restarted VM runs its hooks again.
 */
public final class HookPhases {
    private final Extensions extensions;
    private final VmLoader resources;
    private final ObjectMapper mapper;
    private final ResourceStore store;
    private final HostServices services;

    public HookPhases(Extensions extensions, VmLoader resources, ObjectMapper mapper, ResourceStore store, HostServices services) {
        this.extensions = extensions;
        this.resources = resources;
        this.mapper = mapper;
        this.store = store;
        this.services = services;
    }

    public Outcome preHook(VmContext vm) throws Exception {
        return run(vm, Hook.STEP_PRE);
    }

    public Outcome postHook(VmContext vm) throws Exception {
        return run(vm, Hook.STEP_POST);
    }

    private Outcome run(VmContext vm, String stepName) throws Exception {
        Plan.HookRef ref = VmLoader.hook(vm.planVm(), stepName).orElse(null);
        if (ref == null) {
            return Outcome.NEXT;
        }
        Hook hook = hookOf(vm, ref).orElseThrow(() ->
                new HoistException(HoistException.Type.USER_ERROR, "HookNotValid", "hook " + ref.hook.name + " not found"));
        HookSpec spec = Hooks.spec(hook, stepName);
        var destination = vm.destinationInstance().config();
        Hooks.Choice choice = Hooks.choose(extensions, spec, destination);
        HookRunner runner = choice.runner().orElseThrow(() -> new HoistException(HoistException.Type.USER_ERROR,
                "HookNotValid", "hook " + hook.name() + " cannot run: " + choice.refusal()));
        String runId = Hooks.runId(vm.message().migrationUid(), vm.message().vmId(), stepName);
        Path state = Hooks.stateRoot(services.dataDir(), vm.plan().metadata.uid, vm.message().vmId()).resolve(runId);
        Files.createDirectories(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        String sourceUid = vm.sourceInstance().config().uid();
        var sourceVm = vm.sourceVm();
        String sourceVmId = sourceVm.id();
        Map<String, Object> workload = services.inventoryView().workload(sourceUid, sourceVmId)
                .or(() -> services.inventoryView().get(sourceUid, "vms", sourceVmId))
                .orElseGet(() -> asMap(sourceVm));
        Map<String, Object> plan = asMap(store.get(ResourceKind.PLAN, vm.message().plan().namespace(), vm.message().plan().name())
                .orElseThrow());
        StepLogs logs = new StepLogs(services.dataDir());
        EngineHookRun run = hookRun(vm, spec, runId, state, plan, workload, Hooks.secrets(store, spec), logs, vm::canceled);
        Step step = Step.valueOf(stepName);
        vm.status().durable(v -> {
            VmStatusEditor.annotate(VmStatusEditor.step(v, step), "hook", spec.namespace() + "/" + spec.name() + " (" + runner.name() + ")");
            VmStatusEditor.annotate(VmStatusEditor.step(v, step), "log", "hoist logs " + run.planName() + " " + run.vmId()
                    + " --step " + stepName + " -n " + run.planNamespace());
        });
        try {
            String summary = extensions.call(runner, () -> runner.run(run));
            String tail = tail(logs, run, stepName);
            vm.status().durable(v -> {
                VmStatus.Step s = VmStatusEditor.step(v, step);
                s.progress = VmStatus.Progress.of(1, 1);
                VmStatusEditor.annotate(s, "hook-result", summary == null ? "succeeded" : summary);
                VmStatusEditor.annotate(s, "output", tail);
            });
        } catch (Exception e) {
            String tail = tail(logs, run, stepName);
            vm.status().durable(v -> VmStatusEditor.annotate(VmStatusEditor.step(v, step), "output", tail));
            throw e;
        }
        return Outcome.NEXT;
    }

    /**
     * At archive: each runner removes what this VM's hook runs left (a failed Job kept for inspection, a hook
     * still running), then the runs' state goes. The VM's logs stay readable.
     */
    public void archive(VmContext vm, List<String> errors) {
        for (String stepName : List.of(Hook.STEP_PRE, Hook.STEP_POST)) {
            Plan.HookRef ref = VmLoader.hook(vm.planVm(), stepName).orElse(null);
            Hook hook = ref == null ? null : hookOf(vm, ref).orElse(null);
            if (hook == null) {
                continue;
            }
            try {
                HookSpec spec = Hooks.spec(hook, stepName);
                String runId = Hooks.runId(vm.message().migrationUid(), vm.message().vmId(), stepName);
                EngineHookRun run = hookRun(vm, spec, runId,
                        Hooks.stateRoot(services.dataDir(), vm.plan().metadata.uid, vm.message().vmId()).resolve(runId),
                        Map.of(), Map.of(), Map.of(), new StepLogs(services.dataDir()), () -> true);
                Optional<HookRunner> runner = Hooks.choose(extensions, spec, vm.destinationInstance().config()).runner();
                if (runner.isPresent()) {
                    extensions.call(runner.get(), () -> {
                        runner.get().cleanup(run);
                        return null;
                    });
                }
            } catch (Exception e) {
                errors.add("cleanup of the " + stepName + " hook failed: " + VmContext.describe(e));
            }
        }
        Hooks.deleteState(services.dataDir(), vm.plan().metadata.uid, vm.message().vmId());
    }

    private Optional<Hook> hookOf(VmContext vm, Plan.HookRef ref) {
        String ns = ref.hook.namespace == null || ref.hook.namespace.isEmpty() ? vm.message().plan().namespace() : ref.hook.namespace;
        return resources.read(ResourceKind.HOOK, ns, ref.hook.name, Hook.class);
    }

    private EngineHookRun hookRun(VmContext vm, HookSpec spec, String runId, Path state, Map<String, Object> plan,
                                  Map<String, Object> workload, Map<String, Map<String, String>> secrets, StepLogs logs,
                                  java.util.function.BooleanSupplier canceled) {
        Plan p = vm.plan();
        String targetNs = p.spec.targetNamespace == null || p.spec.targetNamespace.isEmpty() ? p.namespace() : p.spec.targetNamespace;
        String vmName = vm.planVm().name != null ? vm.planVm().name : vm.message().vmId();
        return new EngineHookRun(spec, runId, p.namespace(), p.name(), p.metadata.uid, vm.message().migrationUid(), vm.message().vmId(),
                vmName, targetNs, plan, vm.sourceType(), workload, vm.destinationInstance().config(), secrets, services.settings(), state,
                logs.open(p.namespace(), p.name(), vm.message().migrationUid(), vm.message().vmId(), spec.step()), canceled);
    }

    private static String tail(StepLogs logs, EngineHookRun run, String step) {
        return logs.lastLines(run.planNamespace(), run.planName(), run.migrationUid(), run.vmId(), step, 5, 1024);
    }

    private Map<String, Object> asMap(Object o) {
        return mapper.convertValue(o, mapper.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
    }
}
