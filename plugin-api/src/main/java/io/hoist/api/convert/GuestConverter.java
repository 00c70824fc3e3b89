package io.hoist.api.convert;

import org.pf4j.ExtensionPoint;

/**
 * Extension point: converts a copied guest to run on KubeVirt's virtio hardware (drivers in the
 * initramfs, bootloader and fstab, hypervisor tools), e.g. virt-v2v in place. The engine calls it
 * after every disk was copied and verified, before the VM is created.
 *
 * <p>{@link #convert} must be safe to call again after a crash at any point: the engine re-enters the
 * conversion step with the same request and expects a converted guest, never a doubly converted or
 * half converted one.
 */
public interface GuestConverter extends ExtensionPoint {
    String name();

    boolean accepts(String sourceProviderType, String osType);

    /**
     * Converts the disks where they lie; returns what was found in the guest. Throws
     * {@link io.hoist.api.HoistException} with code {@code GuestNotInspectable} when no operating
     * system could be found (the VM fails with that reason) and {@code ConversionFailed} otherwise.
     */
    ConversionResult convert(ConversionRequest request, ConversionListener listener) throws Exception;
}
