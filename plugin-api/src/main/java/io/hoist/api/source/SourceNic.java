package io.hoist.api.source;

/**
 * One NIC of a source VM.
 *
 * @param networkId id of the source network the NetworkMap maps (also matched by {@code networkName})
 * @param model     source model (vmxnet3, e1000, virtio), informational
 */
public record SourceNic(String name, String mac, String networkId, String networkName, String model) {}
