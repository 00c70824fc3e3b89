package io.hoist.api.destination;

/**
 * One interface of the target VM, as the NetworkMap decided.
 *
 * @param name             interface/network name (rendered networkNameTemplate)
 * @param mac              preserved MAC address
 * @param type             pod | multus (ignored NICs are not passed)
 * @param multusNetwork    {@code namespace/name} of the NetworkAttachmentDefinition for multus
 * @param model            virtio, or e1000e in compatibility mode
 */
public record TargetNic(String name, String mac, String type, String multusNetwork, String model) {}
