package io.hoist.core.model.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed view of the ForkliftController spec with MTV's documented defaults. Build a new view from the
 * latest ForkliftController each time a decision is made (it is cheap), so edits apply without a
 * restart. Values may be written as numbers or as strings ({@code "20"}), as the MTV operator accepts
 * both; admission refuses values that do not parse (see {@link #problems()}), so getters fall back to
 * the default only when the field is absent.
 */
public final class ControllerSettings {
    public static final String MAX_VM_INFLIGHT = "controller_max_vm_inflight";
    public static final String PRECOPY_INTERVAL = "controller_precopy_interval";
    public static final String SNAPSHOT_STATUS_CHECK_RATE_SECONDS = "controller_snapshot_status_check_rate_seconds";
    public static final String FILESYSTEM_OVERHEAD = "controller_filesystem_overhead";
    public static final String BLOCK_OVERHEAD = "controller_block_overhead";
    public static final String CONTAINER_LIMITS_CPU = "controller_container_limits_cpu";
    public static final String CONTAINER_LIMITS_MEMORY = "controller_container_limits_memory";
    public static final String RETAIN_PRECOPY_IMPORTER_PODS = "controller_retain_precopy_importer_pods";
    public static final String TRANSFER_NETWORK = "controller_transfer_network";
    /** Hoist's own: disks transferring at once across every host and plan (unset or 0: no platform-wide limit). */
    public static final String MAX_DISKS_INFLIGHT_TOTAL = "controller_max_disks_inflight_total";
    public static final String VSPHERE_OSMAP_CONFIGMAP_NAME = "vsphere_osmap_configmap_name";
    public static final String OVIRT_OSMAP_CONFIGMAP_NAME = "ovirt_osmap_configmap_name";
    public static final String MUST_GATHER_API_CLEANUP_MAX_AGE = "must_gather_api_cleanup_max_age";

    private final ObjectNode spec;

    private ControllerSettings(ObjectNode spec) {
        this.spec = spec;
    }

    /** Settings from a whole ForkliftController object (or null: all defaults). */
    public static ControllerSettings from(ObjectNode forkliftController) {
        if (forkliftController == null || !(forkliftController.get("spec") instanceof ObjectNode spec)) {
            return new ControllerSettings(null);
        }
        return new ControllerSettings(spec);
    }

    /** Settings from a ForkliftController spec (or null: all defaults). */
    public static ControllerSettings fromSpec(ObjectNode spec) {
        return new ControllerSettings(spec);
    }

    public static ControllerSettings defaults() {
        return new ControllerSettings(null);
    }

    /** Maximum number of VMs (or disks, by provider) transferring at once. Default 20. */
    public int maxVmInflight() {
        return intValue(MAX_VM_INFLIGHT, 20);
    }

    /** Disks transferring at once on the whole platform (Hoist's own setting); 0 means no such limit. Default 0. */
    public int maxDisksInflightTotal() {
        return intValue(MAX_DISKS_INFLIGHT_TOTAL, 0);
    }

    /** Time between warm-migration precopies. Default 60 minutes. */
    public Duration precopyInterval() {
        return Duration.ofMinutes(intValue(PRECOPY_INTERVAL, 60));
    }

    /** How often snapshot creation/removal is polled during a warm migration. Default 10 seconds. */
    public Duration snapshotStatusCheckRate() {
        return Duration.ofSeconds(intValue(SNAPSHOT_STATUS_CHECK_RATE_SECONDS, 10));
    }

    /** Percent added to filesystem-mode volumes for filesystem overhead. Default 10. */
    public int filesystemOverheadPercent() {
        return intValue(FILESYSTEM_OVERHEAD, 10);
    }

    /** Bytes added to block-mode volumes (e.g. for encryption headers); a quantity such as 1Gi. Default 0. */
    public long blockOverheadBytes() {
        JsonNode v = value(BLOCK_OVERHEAD);
        return v == null ? 0L : Quantity.parseBytes(v.asText());
    }

    public String containerLimitsCpu() {
        return stringValue(CONTAINER_LIMITS_CPU, "500m");
    }

    public String containerLimitsMemory() {
        return stringValue(CONTAINER_LIMITS_MEMORY, "800Mi");
    }

    public boolean retainPrecopyImporterPods() {
        JsonNode v = value(RETAIN_PRECOPY_IMPORTER_PODS);
        return v != null && (v.isBoolean() ? v.booleanValue() : "true".equalsIgnoreCase(v.asText().trim()));
    }

    /** The NetworkAttachmentDefinition used for disk transfer ({@code namespace/name} or {@code name}); empty: pod network. */
    public Optional<String> transferNetwork() {
        return Optional.ofNullable(stringValue(TRANSFER_NETWORK, null)).filter(s -> !s.isBlank());
    }

    public String vsphereOsmapConfigMapName() {
        return stringValue(VSPHERE_OSMAP_CONFIGMAP_NAME, "forklift-vsphere-osmap");
    }

    public String ovirtOsmapConfigMapName() {
        return stringValue(OVIRT_OSMAP_CONFIGMAP_NAME, "forklift-ovirt-osmap");
    }

    /** Hours to keep must-gather reports; -1 disables the cleanup. */
    public int mustGatherApiCleanupMaxAgeHours() {
        return intValue(MUST_GATHER_API_CLEANUP_MAX_AGE, -1);
    }

    /** Any other parameter, raw, for settings this view does not type. */
    public Optional<JsonNode> raw(String name) {
        return Optional.ofNullable(value(name));
    }

    /**
     * One message per present setting whose value does not parse or is out of range, keyed by the
     * spec field name; admission turns these into causes.
     */
    public Map<String, String> problems() {
        Map<String, String> problems = new LinkedHashMap<>();
        checkInt(problems, MAX_VM_INFLIGHT, 1, Integer.MAX_VALUE);
        checkInt(problems, MAX_DISKS_INFLIGHT_TOTAL, 0, Integer.MAX_VALUE);
        checkInt(problems, PRECOPY_INTERVAL, 1, Integer.MAX_VALUE);
        checkInt(problems, SNAPSHOT_STATUS_CHECK_RATE_SECONDS, 1, Integer.MAX_VALUE);
        checkInt(problems, FILESYSTEM_OVERHEAD, 0, 100);
        checkInt(problems, MUST_GATHER_API_CLEANUP_MAX_AGE, -1, Integer.MAX_VALUE);
        JsonNode block = value(BLOCK_OVERHEAD);
        if (block != null) {
            try {
                if (Quantity.parseBytes(block.asText()) < 0) {
                    problems.put(BLOCK_OVERHEAD, "must not be negative");
                }
            } catch (IllegalArgumentException e) {
                problems.put(BLOCK_OVERHEAD, e.getMessage());
            }
        }
        JsonNode retain = value(RETAIN_PRECOPY_IMPORTER_PODS);
        if (retain != null && !retain.isBoolean()) {
            String s = retain.asText().trim().toLowerCase(Locale.ROOT);
            if (!s.equals("true") && !s.equals("false")) {
                problems.put(RETAIN_PRECOPY_IMPORTER_PODS, "must be true or false, got \"" + retain.asText() + "\"");
            }
        }
        return problems;
    }

    private void checkInt(Map<String, String> problems, String name, int min, int max) {
        JsonNode v = value(name);
        if (v == null) {
            return;
        }
        Integer parsed = parseInt(v);
        if (parsed == null) {
            problems.put(name, "must be an integer, got \"" + v.asText() + "\"");
        } else if (parsed < min || parsed > max) {
            problems.put(name, "must be between " + min + " and " + max + ", got " + parsed);
        }
    }

    private JsonNode value(String name) {
        if (spec == null) {
            return null;
        }
        JsonNode v = spec.get(name);
        return v == null || v.isNull() || (v.isTextual() && v.asText().isBlank()) ? null : v;
    }

    private int intValue(String name, int defaultValue) {
        JsonNode v = value(name);
        Integer parsed = v == null ? null : parseInt(v);
        return parsed == null ? defaultValue : parsed;
    }

    private String stringValue(String name, String defaultValue) {
        JsonNode v = value(name);
        return v == null ? defaultValue : v.asText();
    }

    private static Integer parseInt(JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
