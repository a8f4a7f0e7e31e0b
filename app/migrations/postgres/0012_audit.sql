-- The audit log (app/src/db/audit.rs): who did what to whom, when and from where, for the actions that
-- change powers or move personal data: role grants and removals, password links, certificate revocations,
-- exports, publishes, class-list imports, account deletions. Admins read it at /quan-tri/nhat-ky.
CREATE TABLE audit_event (
    id         TEXT PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor_id   TEXT,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    address    TEXT NOT NULL,
    -- actor, target and detail folded (lower case, no diacritics) for the search box
    search     TEXT NOT NULL
);
CREATE INDEX audit_event_at_idx ON audit_event (at);
CREATE INDEX audit_event_action_idx ON audit_event (action, at);
