-- namespaces: the namespaces that exist (besides those only implied), shared by every node. body: the Namespace's
-- metadata as Hoist keeps it (uid, creationTimestamp, labels, annotations), without its name.
CREATE TABLE namespaces (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL
);

-- leader_lease: which node runs the controllers. A node takes the lease when it has expired, which gives it the next
-- term; the leader renews it while its term is current. Writes made for a leader carry its term and are refused
-- once the term has moved on (fencing), so a deposed leader that has not noticed yet changes nothing.
-- Times are the database's clock, the only clock every node shares.
CREATE TABLE leader_lease (
    id         INTEGER     PRIMARY KEY CHECK (id = 0),
    term       BIGINT      NOT NULL,
    holder     TEXT,
    expires_at TIMESTAMPTZ NOT NULL
);
INSERT INTO leader_lease (id, term, holder, expires_at) VALUES (0, 0, NULL, '-infinity');
