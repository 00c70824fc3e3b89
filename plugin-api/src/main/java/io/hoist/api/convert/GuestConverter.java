package io.hoist.api.convert;

import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.TargetVmSpec;
import java.util.List;
import org.pf4j.ExtensionPoint;

/** Extension point: converts a copied guest (drivers, bootloader), e.g. virt-v2v in-place. */
public interface GuestConverter extends ExtensionPoint {
    String name();

    boolean accepts(String sourceProviderType, String osType);

    void convert(TargetVmSpec spec, List<AllocatedDisk> disks) throws Exception;
}
