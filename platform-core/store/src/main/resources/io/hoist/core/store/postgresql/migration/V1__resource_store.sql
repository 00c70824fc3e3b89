-- Hoist's resource store on PostgreSQL: the same tables as the embedded SQLite store.
-- objects: one row per object, its JSON body without its item list; has_items says whether item rows exist.
CREATE TABLE objects (
    kind      TEXT    NOT NULL,
    namespace TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    rv        BIGINT  NOT NULL,
    has_items BOOLEAN NOT NULL DEFAULT FALSE,
    body      TEXT    NOT NULL,
    PRIMARY KEY (kind, namespace, name)
);

-- changes: the watch log, written in the same transaction as the object; its key is the store-wide resourceVersion.
CREATE TABLE changes (
    rv         BIGINT  PRIMARY KEY,
    type       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    namespace  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    items_only BOOLEAN NOT NULL DEFAULT FALSE,
    body       TEXT    NOT NULL
);

-- counter: the resourceVersion counter. Every write locks its one row first, so writes from every node are
-- serialised, commit in resourceVersion order, and the counter survives a change log pruned to nothing.
CREATE TABLE counter (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    rv BIGINT  NOT NULL
);
INSERT INTO counter (id, rv) VALUES (0, 0);

-- items: the elements of item lists (a Plan's status.migration.vms), one row each.
CREATE TABLE items (
    kind      TEXT    NOT NULL,
    namespace TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    id        TEXT    NOT NULL,
    ord       INTEGER NOT NULL,
    body      TEXT    NOT NULL,
    PRIMARY KEY (kind, namespace, name, id)
);
CREATE INDEX items_order ON items (kind, namespace, name, ord);
