package io.hoist.api.hook;

import io.hoist.api.host.Settings;
import io.hoist.api.provider.ProviderConfig;
import java.nio.file.Path;
import java.util.Map;

/** One run of a hook for one VM of one migration, as the host hands it to a {@link HookRunner}. */
public interface HookRun {
    HookSpec hook();

    /**
     * Stable for this hook, VM, step and migration: the same after a restart, different for a new Migration
     * of the plan (a restarted VM runs its hooks again). Safe as a file name and a Kubernetes label value.
     */
    String runId();

    String planNamespace();

    String planName();

    String planUid();

    String migrationUid();

    /** The VM's id in the plan (its id, else its name). */
    String vmId();

    String vmName();

    /** The plan's target namespace (the plan's own namespace when unset). */
    String targetNamespace();

    /** The Plan resource as stored (metadata, spec, status), as JSON-like maps and lists. */
    Map<String, Object> plan();

    /** The source provider's type (vsphere, ova, ...): which shape the workload document has. */
    String sourceProviderType();

    /** The VM's workload document from the source inventory ({@code /workloads/{id}}, MTV's JSON field names). */
    Map<String, Object> workload();

    /** The plan's destination provider (type, url, decoded secret): where a cluster runner connects. */
    ProviderConfig destination();

    /** The Secrets the hook names in {@link HookSpec#SECRETS_ANNOTATION}, decoded, by Secret name. */
    Map<String, Map<String, String>> secrets();

    /** The live ForkliftController settings. */
    Settings settings();

    /** A private directory for this run (mode 0700), kept across restarts until the plan is archived. */
    Path stateDir();

    /** Where the hook's output goes: the host keeps the last 1 MiB and serves it ({@code hoist logs}). */
    HookLog log();

    /** True once the VM's migration was canceled: the runner stops the hook and fails. */
    boolean canceled();
}
