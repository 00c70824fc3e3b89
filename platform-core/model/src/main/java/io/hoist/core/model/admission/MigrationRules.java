package io.hoist.core.model.admission;

import io.hoist.core.model.Timestamps;
import io.hoist.core.model.meta.SourceRef;
import io.hoist.core.model.resource.Migration;

import java.util.HashSet;
import java.util.Set;

/** Migration rules: the plan is named, cutover is RFC 3339 with an offset, cancelled VMs by id or name. */
final class MigrationRules {
    private MigrationRules() {
    }

    static void check(Migration migration, Problems p) {
        Migration.Spec spec = migration.spec;
        if (spec == null) {
            p.required("spec", "Required value");
            return;
        }
        if (spec.plan == null || Problems.blank(spec.plan.name)) {
            p.required("spec.plan.name", "Required value: the name of the Plan to run");
        }
        checkTime("spec.cutover", spec.cutover, p);
        if (spec.cancel != null) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < spec.cancel.size(); i++) {
                SourceRef vm = spec.cancel.get(i);
                String at = "spec.cancel[" + i + "]";
                if (vm == null || (Problems.blank(vm.id) && Problems.blank(vm.name))) {
                    p.required(at + ".id", "Required value: a VM is identified by id or name");
                    continue;
                }
                String key = Problems.blank(vm.id) ? "name:" + vm.name : "id:" + vm.id;
                if (!seen.add(key)) {
                    p.duplicate(at, "Duplicate value: the same VM is cancelled twice");
                }
            }
        }
        if (spec.vmCutover != null) {
            for (int i = 0; i < spec.vmCutover.size(); i++) {
                Migration.VmCutover c = spec.vmCutover.get(i);
                if (c != null) {
                    checkTime("spec.vmCutover[" + i + "].cutover", c.cutover, p);
                }
            }
        }
    }

    private static void checkTime(String field, String value, Problems p) {
        if (value == null) {
            return;
        }
        if (Timestamps.parse(value).isEmpty()) {
            p.invalid(field, "Invalid value: \"" + value + "\": must be an RFC 3339 time with a UTC offset, "
                    + "e.g. 2024-04-04T01:23:45.678+09:00 or 2024-04-04T01:23:45Z");
        }
    }
}
