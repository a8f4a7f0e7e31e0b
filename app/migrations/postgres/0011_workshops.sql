-- Workshops (app/src/workshop, app/src/db/workshop.rs): the in-person and livestream sessions provinces run.

CREATE TABLE workshop (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    starts_at      BIGINT NOT NULL,
    ends_at        BIGINT NOT NULL,
    -- The commune it is held in (NULL for a livestream only), and the address line.
    region_code    TEXT REFERENCES region (code),
    address        TEXT NOT NULL,
    stream_url     TEXT NOT NULL,
    recording_url  TEXT NOT NULL,
    capacity       BIGINT NOT NULL,
    -- The quiz taken at the start and at the end (its course and slug), if any.
    test_course    TEXT,
    test_quiz      TEXT,
    -- Keys the check-in code, which changes every five minutes; never shown.
    checkin_secret TEXT NOT NULL,
    -- 1: everyone who checks in gets a certificate of attendance (never of completion).
    gives_certificate BIGINT NOT NULL DEFAULT 0,
    -- 1: people may register before the day; the capacity then bounds registrations too.
    registration   BIGINT NOT NULL DEFAULT 0,
    created_by     TEXT NOT NULL REFERENCES app_user (id),
    created_at     BIGINT NOT NULL,
    cancelled_at   BIGINT
);
CREATE INDEX workshop_starts_idx ON workshop (starts_at);

CREATE TABLE workshop_course (
    workshop_id TEXT NOT NULL REFERENCES workshop (id),
    course_id   TEXT NOT NULL REFERENCES course (id),
    PRIMARY KEY (workshop_id, course_id)
);

-- One row per person and workshop: a second check-in changes nothing. how: 'self' (scanned the workshop's
-- code), 'phone' (the trainer typed their number), 'scan' (the trainer scanned their personal code), 'walkin' (added by hand, account made on the spot).
CREATE TABLE workshop_attendance (
    workshop_id   TEXT NOT NULL REFERENCES workshop (id),
    user_id       TEXT NOT NULL REFERENCES app_user (id),
    how           TEXT NOT NULL,
    mode          TEXT NOT NULL,
    checked_in_at BIGINT NOT NULL,
    checked_in_by TEXT NOT NULL REFERENCES app_user (id),
    PRIMARY KEY (workshop_id, user_id)
);
CREATE INDEX workshop_attendance_user_idx ON workshop_attendance (user_id);

-- Registrations before the day (when the workshop takes them): once per person.
CREATE TABLE workshop_registration (
    workshop_id   TEXT NOT NULL REFERENCES workshop (id),
    user_id       TEXT NOT NULL REFERENCES app_user (id),
    registered_at BIGINT NOT NULL,
    PRIMARY KEY (workshop_id, user_id)
);

-- The before-and-after test: which attempt was each person's 'before' and 'after'.
CREATE TABLE workshop_test (
    workshop_id TEXT NOT NULL REFERENCES workshop (id),
    user_id     TEXT NOT NULL REFERENCES app_user (id),
    phase       TEXT NOT NULL,
    attempt_id  TEXT NOT NULL REFERENCES attempt (id),
    PRIMARY KEY (workshop_id, user_id, phase)
);

-- Certificates of attendance: issued at check-in when the workshop gives them, verified at /verify/<code>
-- like course certificates (the codes share one space), worded as attendance. Title and name are snapshots.
CREATE TABLE attendance_certificate (
    code           TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES app_user (id),
    workshop_id    TEXT NOT NULL REFERENCES workshop (id),
    issued_at      BIGINT NOT NULL,
    holder_name    TEXT NOT NULL,
    workshop_title TEXT NOT NULL,
    held_at        BIGINT NOT NULL,
    hours          DOUBLE PRECISION NOT NULL,
    revoked_at     BIGINT,
    revoked_by     TEXT,
    revoke_reason  TEXT,
    UNIQUE (user_id, workshop_id)
);

-- A person's own QR code (on their account page, readable without data): a trainer scans it to check them in.
ALTER TABLE app_user ADD COLUMN personal_code TEXT;
CREATE UNIQUE INDEX app_user_personal_code_idx ON app_user (personal_code);

-- A target counts one measure: 'certified' (valid certificates of the course, as before), 'workshop' (people
-- trained at a workshop covering the course) or 'either' (one or the other, each person once). The same
-- region, course, type and date may have one target per measure.
ALTER TABLE training_target ADD COLUMN measure TEXT NOT NULL DEFAULT 'certified';
DROP INDEX training_target_key_idx;
CREATE UNIQUE INDEX training_target_key_idx ON training_target (region_code, course_id, org_type, due_on, measure);
