-- transfer_baselines: between the passes of a warm migration, the target's block digests of the last pass of each disk
-- (the baseline of the next delta), where every node reaches them, so a warm VM moved to another node copies only the
-- changed blocks there and its checksum still covers the whole disk. One row per disk (disk_key: migration/vm/disk),
-- replaced by each pass: the algorithm (checksum: sha256-4m, xxh128-4m, or none for a pass run without a checksum, then
-- digests is NULL), the disk's size and the concatenated 32-byte digests of its 4 MiB blocks.
CREATE TABLE transfer_baselines (
    disk_key     TEXT        PRIMARY KEY,
    checksum     TEXT        NOT NULL,
    virtual_size BIGINT      NOT NULL,
    digests      BYTEA,
    updated_at   TIMESTAMPTZ NOT NULL
);
