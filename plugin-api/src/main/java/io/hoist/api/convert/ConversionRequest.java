package io.hoist.api.convert;

import io.hoist.api.destination.TargetVmSpec;
import java.util.List;

/**
 * One VM to convert.
 *
 * @param runId           stable across restarts of the same migration of this VM (names pods, work folders)
 * @param disks           the copied disks, in the VM's disk order, with where the converter reaches them
 * @param staticAddresses addresses to keep on the NICs with these MACs (preserveStaticIPs), empty when none
 */
public record ConversionRequest(String runId, TargetVmSpec spec, List<ConvertibleDisk> disks, ConversionOptions options,
                                List<GuestAddress> staticAddresses) {
    public ConversionRequest {
        disks = List.copyOf(disks);
        staticAddresses = List.copyOf(staticAddresses);
    }
}
