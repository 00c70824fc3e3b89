package io.hoist.api.source;

/** Optional ability: snapshots, needed for warm migration. */
public interface Snapshots {
    SnapshotRef createSnapshot(SourceVm vm, String description) throws Exception;

    void removeSnapshot(SourceVm vm, SnapshotRef snapshot) throws Exception;
}
