package io.hoist.core.engine.run;

import io.hoist.core.engine.bus.Messages;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The VM runs of this engine, one per (migration, VM): started from {@code RunVm} messages, canceled and poked
 * through here, removed when they end. A second {@code RunVm} for a running VM is ignored.
 */
public final class RunRegistry {
    private final VmRun.Services services;
    private final Consumer<Messages.RunVm> onFinished;
    private final Map<String, VmRun> runs = new ConcurrentHashMap<>();

    /** @param onFinished called when a run ended (the engine re-reconciles its Migration and Plan) */
    public RunRegistry(VmRun.Services services, Consumer<Messages.RunVm> onFinished) {
        this.services = services;
        this.onFinished = onFinished;
    }

    public void start(Messages.RunVm msg) {
        String key = key(msg.migrationUid(), msg.vmId());
        VmRun run = new VmRun(services, msg, finished -> {
            runs.remove(key, finished);
            onFinished.accept(msg);
        });
        if (runs.putIfAbsent(key, run) == null) {
            run.start();
        }
    }

    public boolean isRunning(String migrationUid, String vmId) {
        return runs.containsKey(key(migrationUid, vmId));
    }

    public void cancel(Messages.CancelVms cancel) {
        for (String vmId : cancel.vmIds()) {
            VmRun r = runs.get(key(cancel.migrationUid(), vmId));
            if (r != null) {
                r.cancel();
            }
        }
    }

    /** The Migration changed: its waiting runs look again now. */
    public void poke(String migrationUid) {
        String prefix = key(migrationUid, "");
        runs.forEach((k, run) -> {
            if (k.startsWith(prefix)) {
                run.poke();
            }
        });
    }

    /** The VMs this engine runs for a Migration (to cancel them all when it is deleted). */
    public java.util.List<String> vmIdsOf(String migrationUid) {
        String prefix = key(migrationUid, "");
        return runs.keySet().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length())).sorted().toList();
    }

    /** The runs of this engine right now (a snapshot: runs may end while the caller looks at them). */
    public java.util.List<VmRun> runs() {
        return java.util.List.copyOf(runs.values());
    }

    public int active() {
        return runs.size();
    }

    private static String key(String migrationUid, String vmId) {
        return migrationUid + "/" + vmId;
    }
}
