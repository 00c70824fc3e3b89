-- run_placement: which node a VM run was last sent to, one row per run (run_key: migration uid/VM id). The leader bumps
-- epoch on each dispatch of the run; a node's writes for the run carry the epoch it was sent with and are refused, in
-- their own transaction under a share lock on this row, once the epoch has moved on (the run lives on elsewhere).
CREATE TABLE run_placement (
    run_key   TEXT        PRIMARY KEY,
    epoch     BIGINT      NOT NULL,
    node      TEXT        NOT NULL,
    placed_at TIMESTAMPTZ NOT NULL
);
