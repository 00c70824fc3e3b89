package io.hoist.plugin.hooks;

import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.hook.HookRun;
import io.hoist.api.hook.HookRunner;
import io.hoist.api.hook.HookSpec;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.plugin.hooks.job.JobRunner;
import io.hoist.plugin.hooks.local.LocalPlaybookRunner;
import java.util.List;
import org.pf4j.Extension;

/** The MTV Hook runner: a playbook on the Hoist host, or MTV's hook Job on a cluster ({@link RunnerChoice}). */
@Extension
public final class AnsibleHookRunner implements HookRunner {
    private final LocalPlaybookRunner local = new LocalPlaybookRunner();
    private final JobRunner job = new JobRunner();

    @Override
    public String name() {
        return "ansible";
    }

    @Override
    public List<Condition> check(HookSpec hook, ProviderConfig destination) {
        return RunnerChoice.of(hook, destination).conditions();
    }

    @Override
    public String run(HookRun run) throws Exception {
        RunnerChoice choice = RunnerChoice.of(run.hook(), run.destination());
        return switch (choice.mode()) {
            case LOCAL -> local.run(run);
            case JOB -> job.run(run);
            case NONE -> throw new HoistException(HoistException.Type.USER_ERROR, "HookNotValid", choice.conditions().get(0).message());
        };
    }

    @Override
    public void cleanup(HookRun run) throws Exception {
        local.cleanup(run);
        if (RunnerChoice.isCluster(run.destination())) {
            job.cleanup(run);
        }
    }
}
