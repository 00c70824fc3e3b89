package io.hoist.core.engine.controller;

import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.resource.Plan;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan fields Hoist does not act on, as conditions naming the field and why: Critical where the migrated VM
 * would differ materially from what MTV makes, Warn otherwise. Every other field of MTV's Plan is acted on (see the
 * table in the engine README); a field set to what Hoist does anyway gives no condition.
 */
final class PlanFieldChecks {
    /** One plan field not acted on, for one VM (item) or the whole plan (item null). */
    record Finding(String type, String category, String message, String item) {}

    private PlanFieldChecks() {}

    static List<Finding> plan(Plan.Spec spec) {
        List<Finding> out = new ArrayList<>();
        if (notBlank(spec.diskBus)) {
            out.add(warn("DeprecatedField", "spec.diskBus is deprecated (MTV 2.8) and ignored, as in MTV: the disk bus is "
                    + "virtio, or sata with skipGuestConversion and useCompatibilityMode."));
        }
        if (notBlank(spec.conversionTempStorageSize)) {
            out.add(warn("ConversionTempStorageSizeNotApplied", "spec.conversionTempStorageSize is not applied: the "
                    + "conversion's scratch volume (conversionTempStorageClass) gets the storage class's default size."));
        }
        if (spec.customizationScripts != null && notBlank(spec.customizationScripts.name)) {
            out.add(new Finding("CustomizationScriptsNotSupported", Condition.CATEGORY_CRITICAL,
                    "spec.customizationScripts is not supported: Hoist's guest conversion runs no customization scripts, "
                            + "so the guests would not be customized. Remove the field or run the scripts in a PostHook.", null));
        }
        if (Boolean.TRUE.equals(spec.xfsCompatibility)) {
            out.add(warn("XfsCompatibilityNotApplied", "spec.xfsCompatibility is not applied: guest conversion uses the "
                    + "configured virt-v2v (image or host) as is; XFSv4 guests convert only if that virt-v2v supports them."));
        }
        if (Boolean.TRUE.equals(spec.runPreflightInspection) && Plan.TYPE_WARM.equals(spec.migrationType())) {
            out.add(warn("PreflightInspectionNotApplied", "spec.runPreflightInspection is not applied: Hoist inspects the "
                    + "guest when it converts it, after the cutover, not before the first transfer."));
        }
        if (Boolean.TRUE.equals(spec.rdmAsLun) || Boolean.TRUE.equals(spec.scsiReservation)) {
            out.add(warn("RdmAsLunNotApplied", "spec.rdmAsLun and spec.scsiReservation are not applied: Hoist does not "
                    + "migrate raw device mappings (see the vmware.disk.rdm.detected concern)."));
        }
        if (notBlank(spec.serviceAccount)) {
            out.add(warn("ServiceAccountNotApplied", "spec.serviceAccount is not applied: Hoist's migration pods (guest "
                    + "conversion) run with the service account their runner is configured with, not the plan's."));
        }
        if (spec.tagMapping != null && !Boolean.TRUE.equals(spec.tagMapping.disabled)) {
            out.add(warn("TagMappingNotApplied", "spec.tagMapping is not applied: Hoist does not read vSphere tags, so no "
                    + "tag becomes a label of the target VM."));
        }
        return out;
    }

    static List<Finding> vm(Plan.Spec spec, Plan.Vm vm, String item) {
        List<Finding> out = new ArrayList<>();
        boolean luks = vm.luks != null && notBlank(vm.luks.name);
        if (luks && Boolean.TRUE.equals(vm.nbdeClevis)) {
            out.add(new Finding("LuksAndClevisIncompatibility", Condition.CATEGORY_WARN,
                    "LUKS keys and Clevis cannot be configured together; Clevis will be used.", item));
        }
        if ((luks || Boolean.TRUE.equals(vm.nbdeClevis)) && !spec.skipGuestConversionOrDefault()) {
            out.add(new Finding("LuksNotSupported", Condition.CATEGORY_CRITICAL, "vms[].luks and vms[].nbdeClevis are not "
                    + "supported: Hoist's guest conversion cannot unlock encrypted disks, so it could not convert these guests. "
                    + "Use skipGuestConversion for guests that already have virtio drivers.", item));
        }
        if (Boolean.TRUE.equals(vm.rdmAsLun) || Boolean.TRUE.equals(vm.scsiReservation)) {
            out.add(new Finding("RdmAsLunNotApplied", Condition.CATEGORY_WARN, "vms[].rdmAsLun and vms[].scsiReservation "
                    + "are not applied: Hoist does not migrate raw device mappings.", item));
        }
        return out;
    }

    private static Finding warn(String type, String message) {
        return new Finding(type, Condition.CATEGORY_WARN, message, null);
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
