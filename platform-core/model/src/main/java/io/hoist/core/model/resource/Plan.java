package io.hoist.core.model.resource;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.meta.Extensible;
import io.hoist.core.model.meta.Ref;
import io.hoist.core.model.meta.Resource;

import java.util.List;
import java.util.Map;

/** forklift.konveyor.io/v1beta1 Plan: which VMs to move, with which maps, settings and hooks. */
public class Plan extends Resource<Plan.Spec, Plan.Status> {
    public static final String TYPE_COLD = "cold";
    public static final String TYPE_WARM = "warm";
    public static final String TYPE_LIVE = "live";
    public static final String TYPE_CONVERSION = "conversion";

    /**
     * Whether a VM's failed migration deletes its target VM, as MTV's CRD text describes it: false by default (the
     * target VM is kept for troubleshooting); a plan-level true wins over the VM's own setting; otherwise the
     * VM's setting applies. (The CRD schema's {@code default: true} contradicts that text; Hoist follows the text.)
     */
    public static boolean deleteVmOnFailMigration(Spec spec, Vm vm) {
        if (spec != null && Boolean.TRUE.equals(spec.deleteVmOnFailMigration)) {
            return true;
        }
        return vm != null && Boolean.TRUE.equals(vm.deleteVmOnFailMigration);
    }

    public static class Spec extends Extensible {
        public String description;
        public String targetNamespace;
        public Providers provider;
        public Maps map;
        public List<Vm> vms;
        /** Legacy switch: true means a warm migration; {@link #type} wins when set. */
        public Boolean warm;
        /** cold, warm, live or conversion. */
        public String type;
        public Boolean archived;
        public Ref transferNetwork;
        public Boolean preserveStaticIPs;
        public String networkNameTemplate;
        public String pvcNameTemplate;
        public Boolean pvcNameTemplateUseGenerateName;
        public String volumeNameTemplate;
        public Boolean skipGuestConversion;
        public Boolean useCompatibilityMode;
        public Boolean preserveClusterCpuModel;
        /** on, off or auto (the source VM's power state). */
        public String targetPowerState;
        public Boolean deleteVmOnFailMigration;
        public Boolean deleteGuestConversionPod;
        public Boolean migrateSharedDisks;
        public Boolean runPreflightInspection;
        public Boolean enableNestedVirtualization;
        public Boolean installLegacyDrivers;
        public Boolean rdmAsLun;
        public Boolean scsiReservation;
        public Boolean skipZoneNodeSelector;
        public Boolean xfsCompatibility;
        public String diskBus;
        public String serviceAccount;
        public String virtV2vImage;
        public String conversionTempStorageClass;
        public String conversionTempStorageSize;
        public Ref customizationScripts;
        public Map<String, String> targetLabels;
        public Map<String, String> targetNodeSelector;
        /** Kubernetes Affinity, kept as JSON: Hoist passes it through to the target VM. */
        public JsonNode targetAffinity;
        public Map<String, String> convertorLabels;
        public Map<String, String> convertorNodeSelector;
        public JsonNode convertorAffinity;
        public TagMapping tagMapping;

        /** The effective migration type: {@code type} when set, else warm/cold from {@code warm}. */
        public String migrationType() {
            if (type != null && !type.isEmpty()) {
                return type;
            }
            return Boolean.TRUE.equals(warm) ? TYPE_WARM : TYPE_COLD;
        }

        public boolean isArchived() {
            return Boolean.TRUE.equals(archived);
        }

        // Defaults declared by MTV's CRD schema (or its docs), applied when the field is absent.

        public boolean preserveStaticIPsOrDefault() {
            return preserveStaticIPs == null || preserveStaticIPs;
        }

        public boolean useCompatibilityModeOrDefault() {
            return useCompatibilityMode == null || useCompatibilityMode;
        }

        public boolean skipGuestConversionOrDefault() {
            return Boolean.TRUE.equals(skipGuestConversion);
        }

        public boolean migrateSharedDisksOrDefault() {
            return migrateSharedDisks == null || migrateSharedDisks;
        }

        public boolean runPreflightInspectionOrDefault() {
            return runPreflightInspection == null || runPreflightInspection;
        }

        /** False unless set: MTV's text says "When false (default), the target VM is preserved". */
        public boolean deleteVmOnFailMigrationOrDefault() {
            return Boolean.TRUE.equals(deleteVmOnFailMigration);
        }

        /** The VM's migrateSharedDisks when set, else the plan's (default true). */
        public boolean migrateSharedDisksFor(Vm vm) {
            if (vm != null && vm.migrateSharedDisks != null) {
                return vm.migrateSharedDisks;
            }
            return migrateSharedDisksOrDefault();
        }

        /** The VM's enableNestedVirtualization when set, else the plan's; null when neither says. */
        public Boolean enableNestedVirtualizationFor(Vm vm) {
            if (vm != null && vm.enableNestedVirtualization != null) {
                return vm.enableNestedVirtualization;
            }
            return enableNestedVirtualization;
        }

        /**
         * MTV's default, true: PVC names are a prefix Kubernetes completes with random characters. Ignored for
         * KubeVirt sources, whose PVCs keep the exact rendered name (see {@link #pvcNameTemplateUseGenerateNameFor}).
         */
        public boolean pvcNameTemplateUseGenerateNameOrDefault() {
            return pvcNameTemplateUseGenerateName == null || pvcNameTemplateUseGenerateName;
        }

        /**
         * Whether PVC names are generateName prefixes for a plan from a source of this provider type: never for a
         * KubeVirt ({@code openshift}) source, where MTV always uses the exact name; else the plan's setting,
         * default true.
         */
        public boolean pvcNameTemplateUseGenerateNameFor(String sourceProviderType) {
            return !Provider.TYPE_OPENSHIFT.equals(sourceProviderType) && pvcNameTemplateUseGenerateNameOrDefault();
        }

        /** True unless the plan disables it (the CRD's default). Raw copies only (skipGuestConversion). */
        public boolean compatibilityDevices() {
            return skipGuestConversionOrDefault() && useCompatibilityModeOrDefault();
        }

        /** The VM's target power state, else the plan's; "auto" (keep the source state) when neither is set. */
        public String targetPowerStateFor(Vm vm) {
            if (vm != null && vm.targetPowerState != null && !vm.targetPowerState.isEmpty()) {
                return vm.targetPowerState;
            }
            return targetPowerState == null || targetPowerState.isEmpty() ? "auto" : targetPowerState;
        }
    }

    public static class Providers extends Extensible {
        public Ref source;
        public Ref destination;
    }

    public static class Maps extends Extensible {
        public Ref network;
        public Ref storage;
    }

    public static class TagMapping extends Extensible {
        public Boolean disabled;
        public List<String> labelTags;
    }

    /** A VM of the plan, by {@code id} or {@code name}, with per-VM overrides. */
    public static class Vm extends Extensible {
        public String id;
        public String name;
        public String namespace;
        public String type;
        public String targetName;
        public List<HookRef> hooks;
        public String networkNameTemplate;
        public String pvcNameTemplate;
        public String volumeNameTemplate;
        public String targetPowerState;
        public Boolean deleteVmOnFailMigration;
        public Boolean enableNestedVirtualization;
        public String instanceType;
        public Ref luks;
        public Boolean nbdeClevis;
        public Boolean migrateSharedDisks;
        public Boolean rdmAsLun;
        public Boolean scsiReservation;
        public String rootDisk;
    }

    /** A hook run for a VM at {@code step} PreHook or PostHook. */
    public static class HookRef extends Extensible {
        public Ref hook;
        public String step;
    }

    public static class Status extends Extensible {
        public List<Condition> conditions;
        public MigrationSnapshot migration;
        public Boolean netAppShiftDestination;
        public Long observedGeneration;
    }

    /** {@code status.migration}: the latest run of the plan and the history of earlier runs. */
    public static class MigrationSnapshot extends Extensible {
        public String started;
        public String completed;
        public List<HistoryEntry> history;
        public List<VmStatus> vms;
    }

    /** One run of the plan: the generations of everything it used. */
    public static class HistoryEntry extends Extensible {
        public List<Condition> conditions;
        public Snapshot plan;
        public Snapshot migration;
        public SnapshotPair provider;
        public SnapshotMaps map;
    }

    public static class Snapshot extends Extensible {
        public String uid;
        public String name;
        public String namespace;
        public Long generation;
    }

    public static class SnapshotPair extends Extensible {
        public Snapshot source;
        public Snapshot destination;
    }

    public static class SnapshotMaps extends Extensible {
        public Snapshot network;
        public Snapshot storage;
    }
}
