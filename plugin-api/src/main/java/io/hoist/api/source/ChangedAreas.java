package io.hoist.api.source;

import io.hoist.api.transfer.Extent;
import java.util.List;

/** Optional ability: changed-block tracking, so warm precopies copy only what changed. */
public interface ChangedAreas {
    /** Areas of {@code disk} changed between {@code previous} (null: everything allocated) and {@code current}. */
    List<Extent> changedAreas(SourceVm vm, SourceDisk disk, SnapshotRef previous, SnapshotRef current) throws Exception;
}
