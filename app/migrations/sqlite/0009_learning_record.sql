-- The one write path's ledger (app/src/db/learning.rs): every learning record under the id its sender gave
-- it, with a hash of what it said and the outcome stored for it. A replay of the same record gets the same
-- answer; the same id with other content is refused and the first stays.
CREATE TABLE learning_record (
    kind         TEXT NOT NULL,
    id           TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES app_user (id),
    payload_hash TEXT NOT NULL,
    device_at    BIGINT,
    received_at  BIGINT NOT NULL,
    outcome      TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX learning_record_user_idx ON learning_record (user_id, received_at);

-- Two clocks: the phone's, as reported, beside the server's time of receipt (done_at, submitted_at).
ALTER TABLE lesson_progress ADD COLUMN done_at_device BIGINT;
ALTER TABLE attempt ADD COLUMN submitted_at_device BIGINT;

-- Attempts are numbered per learner and quiz; the unique number makes the attempt limit hold when several
-- "start" posts race, on any number of app processes.
ALTER TABLE attempt ADD COLUMN seq BIGINT;
UPDATE attempt SET seq = (
    SELECT COUNT(*) FROM attempt a2
    WHERE a2.user_id = attempt.user_id AND a2.quiz_id = attempt.quiz_id
      AND (a2.started_at < attempt.started_at OR (a2.started_at = attempt.started_at AND a2.id <= attempt.id)));
CREATE UNIQUE INDEX attempt_seq_idx ON attempt (user_id, quiz_id, seq);

-- Where a course revision came from: 'folder' (imported from a course folder) or 'browser' (written and
-- published in the browser). Importing a folder never replaces a revision published in the browser.
ALTER TABLE course_revision ADD COLUMN source TEXT NOT NULL DEFAULT 'folder';
