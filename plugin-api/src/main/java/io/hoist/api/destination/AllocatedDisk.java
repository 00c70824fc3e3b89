package io.hoist.api.destination;

/** A disk the destination allocated; {@code handle} is opaque to the engine (path, PVC name, ...). */
public record AllocatedDisk(TargetDisk disk, String handle) {}
