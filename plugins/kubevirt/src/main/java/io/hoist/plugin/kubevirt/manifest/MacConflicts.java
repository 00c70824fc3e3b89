package io.hoist.plugin.kubevirt.manifest;

import io.hoist.api.Condition;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * MTV's MacConflicts validation: a MAC the target VM keeps from its source that a VM already on the destination uses.
 * Two VMs with one MAC on a network break both, so the plan is not Ready (Critical). The target's own VM (adopted
 * after a crash or a restart) is not a conflict.
 */
public final class MacConflicts {
    private MacConflicts() {}

    /**
     * @param existing the destination's VirtualMachine objects (as maps), each with its {@code namespace/name}
     * @param ownVm    {@code namespace/name} of the VM this spec creates (skipped), or null
     */
    public static Optional<Condition> find(TargetVmSpec spec, Map<String, Map<String, Object>> existing, String ownVm) {
        List<String> wanted = new ArrayList<>();
        for (TargetNic n : spec.nics()) {
            if (n.mac() != null && !n.mac().isBlank()) {
                wanted.add(normalize(n.mac()));
            }
        }
        if (wanted.isEmpty()) {
            return Optional.empty();
        }
        Map<String, TreeSet<String>> byVm = new LinkedHashMap<>();
        existing.forEach((ref, vm) -> {
            if (ref.equals(ownVm)) {
                return;
            }
            for (String mac : macsOf(vm)) {
                if (wanted.contains(mac)) {
                    byVm.computeIfAbsent(ref, k -> new TreeSet<>()).add(mac);
                }
            }
        });
        if (byVm.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        byVm.forEach((vm, macs) -> parts.add("MACs " + String.join(", ", macs) + " conflict with destination VM " + vm));
        return Optional.of(Condition.isTrue("MacConflicts", "NotValid", Condition.Category.Critical,
                "VM " + spec.sourceVmName() + " has MAC address conflicts: " + String.join("; ", parts)));
    }

    /** The MACs a VirtualMachine object's interfaces set. */
    public static List<String> macsOf(Map<String, Object> vm) {
        List<String> out = new ArrayList<>();
        Object spec = vm.get("spec");
        Object template = spec instanceof Map<?, ?> s ? s.get("template") : null;
        Object tspec = template instanceof Map<?, ?> t ? t.get("spec") : null;
        Object domain = tspec instanceof Map<?, ?> ts ? ts.get("domain") : null;
        Object devices = domain instanceof Map<?, ?> d ? d.get("devices") : null;
        Object interfaces = devices instanceof Map<?, ?> dv ? dv.get("interfaces") : null;
        if (interfaces instanceof List<?> list) {
            for (Object i : list) {
                if (i instanceof Map<?, ?> iface && iface.get("macAddress") instanceof String mac && !mac.isBlank()) {
                    out.add(normalize(mac));
                }
            }
        }
        return out;
    }

    static String normalize(String mac) {
        return mac.trim().toLowerCase(Locale.ROOT).replace('-', ':');
    }
}
