package io.hoist.core.engine.hooks;

import io.hoist.api.hook.HookLog;
import io.hoist.api.hook.HookRun;
import io.hoist.api.hook.HookSpec;
import io.hoist.api.host.Settings;
import io.hoist.api.provider.ProviderConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The engine's {@link HookRun}: plain values plus the VM run's cancel flag. */
public record EngineHookRun(HookSpec hook, String runId, String planNamespace, String planName, String planUid,
                            String migrationUid, String vmId, String vmName, String targetNamespace,
                            Map<String, Object> plan, String sourceProviderType, Map<String, Object> workload,
                            ProviderConfig destination, Map<String, Map<String, String>> secrets, Settings settings,
                            Path stateDir, HookLog log, BooleanSupplier cancelFlag) implements HookRun {
    @Override
    public boolean canceled() {
        return cancelFlag.getAsBoolean();
    }

    @Override
    public String toString() {
        // Never the secrets' values, nor the documents.
        return "HookRun[" + hook.namespace() + "/" + hook.name() + " " + hook.step() + " plan=" + planNamespace + "/" + planName
                + " vm=" + vmId + " run=" + runId + " secrets=" + secrets.keySet() + "]";
    }
}
