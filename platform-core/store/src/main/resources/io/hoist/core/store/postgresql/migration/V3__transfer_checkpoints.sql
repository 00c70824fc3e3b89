-- transfer_checkpoints: durable progress of disk copies, where every node of a cluster reaches it, so a VM run moved to
-- another node resumes its disk copy instead of starting over. One row per copy (disk_key: migration/vm/disk[/round]):
-- what is copied (fingerprint, virtual_size) and how many leading 4 MiB blocks are on the target (blocks_done).
CREATE TABLE transfer_checkpoints (
    disk_key     TEXT        PRIMARY KEY,
    fingerprint  TEXT        NOT NULL,
    virtual_size BIGINT      NOT NULL,
    blocks_done  INTEGER     NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- The block digests of a checkpoint, appended a segment per save (blocks first_block .. first_block + count - 1), so a
-- save writes only the blocks done since the previous one: 32 bytes of source digest then 32 of target digest each.
CREATE TABLE transfer_checkpoint_segments (
    disk_key    TEXT    NOT NULL REFERENCES transfer_checkpoints (disk_key) ON DELETE CASCADE,
    first_block INTEGER NOT NULL,
    digests     BYTEA   NOT NULL,
    PRIMARY KEY (disk_key, first_block)
);
