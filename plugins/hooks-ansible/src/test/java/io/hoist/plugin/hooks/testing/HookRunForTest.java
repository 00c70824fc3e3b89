package io.hoist.plugin.hooks.testing;

import io.hoist.api.hook.HookLog;
import io.hoist.api.hook.HookRun;
import io.hoist.api.hook.HookSpec;
import io.hoist.api.host.Settings;
import io.hoist.api.provider.ProviderConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link HookRun} as the engine builds it, with an in-memory log and a cancel switch. */
public record HookRunForTest(HookSpec hook, String runId, String planNamespace, String planName, String planUid,
                             String migrationUid, String vmId, String vmName, String targetNamespace,
                             Map<String, Object> plan, String sourceProviderType, Map<String, Object> workload,
                             ProviderConfig destination, Map<String, Map<String, String>> secrets, Settings settings,
                             Path stateDir, MemoryLog log, AtomicBoolean cancel) implements HookRun {
    @Override
    public boolean canceled() {
        return cancel.get();
    }

    /** A run of {@code playbook} at {@code step} for the OVA VM {@code vm} (MAC 52:54:00:12:34:56), to a folder. */
    public static HookRunForTest ova(Path stateDir, String step, String playbook, long deadline) {
        HookSpec spec = new HookSpec("hoist", "hook-" + step.toLowerCase(), "quay.io/kubev2v/hook-runner", playbook, null, deadline, step);
        Map<String, Object> nic = new LinkedHashMap<>();
        nic.put("name", "nic0");
        nic.put("mac", "52:54:00:12:34:56");
        nic.put("network", "VM Network");
        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("id", "ova-vm-1");
        workload.put("name", "web-01");
        workload.put("ipAddress", "");
        workload.put("nics", List.of(nic));
        workload.put("disks", List.of(Map.of("id", "d1", "capacity", 1048576)));
        workload.put("selfLink", "providers/ova/uid-1/workloads/ova-vm-1");
        Map<String, Object> plan = Map.of("apiVersion", "forklift.konveyor.io/v1beta1", "kind", "Plan",
                "metadata", Map.of("name", "demo", "namespace", "hoist", "uid", "plan-uid"),
                "spec", Map.of("targetNamespace", "demo",
                        "provider", Map.of("source", Map.of("name", "ova-local", "namespace", "hoist"),
                                "destination", Map.of("name", "local-folder", "namespace", "hoist")),
                        "vms", List.of(Map.of("id", "ova-vm-1", "name", "web-01"))));
        ProviderConfig folder = new ProviderConfig("dest-uid", "hoist", "local-folder", "openshift", "file:///tmp/target", Map.of(), Map.of());
        return new HookRunForTest(spec, step.toLowerCase() + "-0001", "hoist", "demo", "plan-uid", "migration-uid", "ova-vm-1", "web-01",
                "demo", plan, "ova", workload, folder, Map.of(), Map::of, stateDir, new MemoryLog(), new AtomicBoolean());
    }

    public HookRunForTest withSecrets(Map<String, Map<String, String>> s) {
        return new HookRunForTest(hook, runId, planNamespace, planName, planUid, migrationUid, vmId, vmName, targetNamespace, plan,
                sourceProviderType, workload, destination, s, settings, stateDir, log, cancel);
    }

    public HookRunForTest withWorkload(Map<String, Object> w) {
        return new HookRunForTest(hook, runId, planNamespace, planName, planUid, migrationUid, vmId, vmName, targetNamespace, plan,
                sourceProviderType, w, destination, secrets, settings, stateDir, log, cancel);
    }

    public HookRunForTest withDestination(ProviderConfig d) {
        return new HookRunForTest(hook, runId, planNamespace, planName, planUid, migrationUid, vmId, vmName, targetNamespace, plan,
                sourceProviderType, workload, d, secrets, settings, stateDir, log, cancel);
    }

    public HookRunForTest withHook(HookSpec h) {
        return new HookRunForTest(h, runId, planNamespace, planName, planUid, migrationUid, vmId, vmName, targetNamespace, plan,
                sourceProviderType, workload, destination, secrets, settings, stateDir, log, cancel);
    }

    /** The log as the host keeps it, in memory. */
    public static final class MemoryLog implements HookLog {
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void append(String s) {
            text.append(s);
        }

        @Override
        public synchronized void clear() {
            text.setLength(0);
        }

        @Override
        public synchronized String toString() {
            return text.toString();
        }
    }
}
