package io.hoist.plugin.v2v.testing;

import io.hoist.api.convert.ConversionOptions;
import io.hoist.api.convert.ConversionRequest;
import io.hoist.api.convert.ConvertibleDisk;
import io.hoist.api.convert.GuestAddress;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.DiskLocation;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.Firmware;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Conversion requests for one-disk, one-NIC VMs, as the engine builds them. */
public final class Requests {
    private Requests() {}

    public static TargetVmSpec spec(String name, String mac) {
        TargetDisk disk = new TargetDisk("disk-0", name + "-disk-0", false, "disk-0", 1536L << 20, "standard", null, null, 1);
        return new TargetVmSpec("migrated", name, "vm-1", name, 1, 1, 1, 768L << 20, Firmware.BIOS, false, false, null, "virtio",
                "Halted", List.of(disk), List.of(new TargetNic("net-0", mac, "pod", null, "virtio")),
                Map.of("plan", "plan-uid", "migration", "migration-uid", "vmID", "vm-1"), Map.of(), null);
    }

    public static ConversionOptions options() {
        return new ConversionOptions(null, null, false, null, Map.of(), Map.of(), null, null);
    }

    /** Local-file disks are handed to the converter by the caller; the request carries the spec and addresses. */
    public static ConversionRequest local(String runId, String mac, List<GuestAddress> addresses) {
        TargetVmSpec spec = spec("guest", mac);
        AllocatedDisk a = new AllocatedDisk(spec.disks().get(0), "guest-disk-0");
        return new ConversionRequest(runId, spec, List.of(new ConvertibleDisk(a, new DiskLocation.LocalFile(Path.of("unused"), "raw"))),
                options(), addresses);
    }
}
