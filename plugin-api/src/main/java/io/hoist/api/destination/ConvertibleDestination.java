package io.hoist.api.destination;

/** A destination whose copied disks a guest converter can reach (a local folder, a cluster's PVCs). */
public interface ConvertibleDestination {
    DiskLocation locate(TargetVmSpec spec, AllocatedDisk disk) throws Exception;
}
