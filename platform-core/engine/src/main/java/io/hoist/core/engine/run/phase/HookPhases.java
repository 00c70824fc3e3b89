package io.hoist.core.engine.run.phase;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.HoistException;
import io.hoist.api.hook.HookRunner;
import io.hoist.api.hook.HookSpec;
import io.hoist.core.engine.run.Outcome;
import io.hoist.core.engine.run.VmContext;
import io.hoist.core.engine.run.VmLoader;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.resource.Hook;
import io.hoist.core.model.resource.Plan;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** PreHook and PostHook: the plan VM's Hook runs on the first installed hook runner that accepts it. */
public final class HookPhases {
    private final Extensions extensions;
    private final VmLoader resources;
    private final ObjectMapper mapper;

    public HookPhases(Extensions extensions, VmLoader resources, ObjectMapper mapper) {
        this.extensions = extensions;
        this.resources = resources;
        this.mapper = mapper;
    }

    public Outcome preHook(VmContext vm) throws Exception {
        return run(vm, "PreHook");
    }

    public Outcome postHook(VmContext vm) throws Exception {
        return run(vm, "PostHook");
    }

    private Outcome run(VmContext vm, String stepName) throws Exception {
        Plan.HookRef ref = VmLoader.hook(vm.planVm(), stepName).orElse(null);
        if (ref == null) {
            return Outcome.NEXT;
        }
        String ns = ref.hook.namespace == null || ref.hook.namespace.isEmpty() ? vm.message().plan().namespace() : ref.hook.namespace;
        Hook hook = resources.read(ResourceKind.HOOK, ns, ref.hook.name, Hook.class).orElseThrow(() ->
                new HoistException(HoistException.Type.USER_ERROR, "HookNotValid", "hook " + ref.hook.name + " not found"));
        String playbook = hook.spec.playbook == null ? null
                : new String(Base64.getDecoder().decode(hook.spec.playbook), StandardCharsets.UTF_8);
        long deadline = hook.spec.deadline == null ? 0 : hook.spec.deadline;
        HookSpec spec = new HookSpec(hook.namespace(), hook.name(), hook.spec.image, playbook, hook.spec.serviceAccount,
                deadline, stepName);
        HookRunner runner = extensions.hookRunners().stream().filter(r -> r.accepts(spec)).findFirst().orElseThrow(() ->
                new HoistException(HoistException.Type.USER_ERROR, "HookNotValid", "no installed hook runner accepts hook " + hook.name()));
        String planJson = mapper.writeValueAsString(vm.plan());
        String workloadJson = mapper.writeValueAsString(Map.of("providerUid", vm.sourceInstance().config().uid(), "vm", vm.sourceVm()));
        extensions.call(runner, () -> runner.run(spec, planJson, workloadJson));
        return Outcome.NEXT;
    }
}
