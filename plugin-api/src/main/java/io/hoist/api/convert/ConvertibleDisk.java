package io.hoist.api.convert;

import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.DiskLocation;

/** A copied disk and where a converter reaches it. */
public record ConvertibleDisk(AllocatedDisk disk, DiskLocation location) {}
