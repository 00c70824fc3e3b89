package io.hoist.api.phase;

/**
 * A phase a provider adds to a VM's itinerary.
 *
 * @param name  unique phase name, stored as the VM's phase while it runs (e.g. {@code CreateVolumeFromSnapshot})
 * @param after the phase it follows (an engine phase such as {@code PowerOffSource}, or an earlier contributed one)
 * @param step  the MTV pipeline step it is shown under: {@code Initialize}, {@code DiskAllocation},
 *              {@code DiskTransfer}, {@code Cutover}, {@code ImageConversion}, {@code VirtualMachineCreation}
 */
public record PhaseSpec(String name, String after, String step) {}
