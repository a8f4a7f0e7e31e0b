-- Completions and certificates. Same columns in ../postgres/.

CREATE TABLE completion (
    user_id            TEXT NOT NULL REFERENCES app_user (id),
    course_id          TEXT NOT NULL REFERENCES course (id),
    course_revision_id TEXT NOT NULL REFERENCES course_revision (id),
    completed_at       BIGINT NOT NULL,
    PRIMARY KEY (user_id, course_id)
);

-- Name, title and hours are snapshots: later edits never change an issued certificate.
CREATE TABLE certificate (
    code          TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES app_user (id),
    course_id     TEXT NOT NULL REFERENCES course (id),
    issued_at     BIGINT NOT NULL,
    holder_name   TEXT NOT NULL,
    course_title  TEXT NOT NULL,
    hours         DOUBLE PRECISION NOT NULL,
    revoked_at    BIGINT,
    revoked_by    TEXT,
    revoke_reason TEXT,
    UNIQUE (user_id, course_id)
);
