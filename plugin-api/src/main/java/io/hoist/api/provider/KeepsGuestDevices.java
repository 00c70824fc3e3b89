package io.hoist.api.provider;

/**
 * Optional ability of a {@link SourceProviderFactory}: its guests already run on KVM, with the disk bus each
 * {@link io.hoist.api.source.SourceDisk#bus()} and the NIC model each {@link io.hoist.api.source.SourceNic#model()}
 * names (OpenStack's {@code hw_disk_bus} and {@code hw_vif_model}), so the target keeps them instead of the engine's
 * choice for guests that come from another hypervisor (virtio after conversion, or the compatibility-mode devices).
 * The engine turns a bus or model KubeVirt lacks into the nearest one it has (as MTV: {@code ide} → {@code sata}),
 * and anything it cannot place into virtio with a plan condition naming the value.
 */
public interface KeepsGuestDevices {
}
