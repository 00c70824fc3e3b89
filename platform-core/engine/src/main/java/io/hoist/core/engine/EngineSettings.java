package io.hoist.core.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.host.Settings;
import io.hoist.core.model.resource.ControllerSettings;
import java.time.Duration;
import java.util.Map;

/**
 * The engine's one reader of {@code controller_*} settings: every value goes through {@link ControllerSettings}
 * (MTV's defaults, the same parsing admission checks), live: a changed ForkliftController applies at the next use. Tests shorten the precopy interval
 * through {@link #precopyIntervalOverride}, never with a value admission would refuse.
 */
public final class EngineSettings {
    /** Hoist's own: bandwidth budget per source host in MiB/s (0: unlimited). */
    public static final String HOST_BANDWIDTH_MIBPS = "controller_host_bandwidth_mibps";
    /** Hoist's own: checksum of every disk copy, {@code sha256-4m} (default), {@code xxh128-4m} or {@code none}. */
    public static final String TRANSFER_CHECKSUM = "controller_transfer_checksum";

    private final Settings live;
    private volatile Duration precopyIntervalOverride;
    private volatile int nodeDiskCap;

    public EngineSettings(Settings live) {
        this.live = live;
    }

    /** The snapshot last parsed, and its settings. */
    private record Parsed(Map<String, String> snapshot, ControllerSettings settings) {}

    private volatile Parsed parsed = new Parsed(null, null);

    /**
     * The ForkliftController settings now. Parsed again only when the snapshot is a new map: {@link LiveSettings} hands
     * out the same one until the ForkliftController changes, and the scheduler asks on every decision.
     */
    public ControllerSettings controller() {
        Map<String, String> now = live.snapshot();
        Parsed last = parsed;
        if (last.snapshot() == now) {
            return last.settings();
        }
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        now.forEach(spec::put);
        ControllerSettings settings = ControllerSettings.fromSpec(spec);
        parsed = new Parsed(now, settings);
        return settings;
    }

    public int maxVmInflight() {
        return Math.max(1, controller().maxVmInflight());
    }

    /** The disk limit of this node: the platform-wide one and the node's own cap, the lower; 0 for none. */
    public int maxDisksInflightTotal() {
        int platform = platformDisksInflightTotal();
        int node = nodeDiskCap;
        return node == 0 ? platform : platform == 0 ? node : Math.min(platform, node);
    }

    /** {@code controller_max_disks_inflight_total}: the whole platform's (every node's) disk limit, 0 for none. */
    public int platformDisksInflightTotal() {
        return Math.max(0, controller().maxDisksInflightTotal());
    }

    /** This node's own cap on disks in flight ({@code hoist serve --node-max-disks}), 0 for none: the lower wins. */
    public EngineSettings nodeDiskCap(int disks) {
        this.nodeDiskCap = Math.max(0, disks);
        return this;
    }

    public Duration precopyInterval() {
        Duration o = precopyIntervalOverride;
        return o != null ? o : controller().precopyInterval();
    }

    public double hostBandwidthMibps() {
        return controller().raw(HOST_BANDWIDTH_MIBPS).map(v -> {
            try {
                return Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException e) {
                return 0.0;
            }
        }).orElse(0.0);
    }

    /** The controller's checksum choice as written (checked where it is used), or null when not set. */
    public String transferChecksum() {
        return controller().raw(TRANSFER_CHECKSUM).map(v -> v.asText()).orElse(null);
    }

    /** For tests: a precopy interval shorter than the one minute the setting allows. */
    public EngineSettings precopyIntervalOverride(Duration interval) {
        this.precopyIntervalOverride = interval;
        return this;
    }
}
