-- Learning without signal (docs/offline.md).

-- Attempt tickets: attempts the server drew for a phone that saved the course, handed out with their
-- questions (never keys) so a quiz can be taken offline. A ticket is not an attempt until it is submitted:
-- only then is it numbered and counted against the limit. Each phone (`device`) gets its own.
CREATE TABLE attempt_ticket (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES app_user (id),
    device           TEXT NOT NULL,
    quiz_id          TEXT NOT NULL REFERENCES quiz (id),
    quiz_revision_id TEXT NOT NULL REFERENCES quiz_revision (id),
    seed             BIGINT NOT NULL,
    question_ids     TEXT NOT NULL,
    issued_at        BIGINT NOT NULL
);
CREATE INDEX attempt_ticket_user_idx ON attempt_ticket (user_id, quiz_id, device);

-- An attempt that arrived over the attempt limit is stored and flagged, and counts for nothing.
ALTER TABLE attempt ADD COLUMN over_limit BIGINT NOT NULL DEFAULT 0;
ALTER TABLE attempt ADD COLUMN started_at_device BIGINT;
-- A ticket's time limit is judged on the phone's elapsed time, so its verdict is stored, not derived.
ALTER TABLE attempt ADD COLUMN timed_out BIGINT NOT NULL DEFAULT 0;

-- Two clocks: a record that reached the server much later than the phone made it is `late`; a phone time
-- in the future or before the record could exist was replaced by the time of receipt (`clock_fixed`).
ALTER TABLE learning_record ADD COLUMN late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE learning_record ADD COLUMN clock_fixed BIGINT NOT NULL DEFAULT 0;
CREATE INDEX learning_record_late_idx ON learning_record (late, received_at);

-- The same record id sent again with other content: refused (the first stays), and kept here for trainers.
CREATE TABLE learning_conflict (
    kind         TEXT NOT NULL,
    id           TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    payload_hash TEXT NOT NULL,
    received_at  BIGINT NOT NULL
);
CREATE INDEX learning_conflict_idx ON learning_conflict (kind, id);

-- "Tiết kiệm dữ liệu": images load only when tapped.
ALTER TABLE app_user ADD COLUMN data_saver BIGINT NOT NULL DEFAULT 0;
