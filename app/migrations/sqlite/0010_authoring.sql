-- Authoring in the browser (app/src/authoring, app/src/db/authoring.rs).

-- Every revision's text files as published (course.toml, lessons, quizzes, glossary, notes): a revision can be
-- opened as it was, restored as a draft and exported. Its images are in course_asset.
CREATE TABLE course_source (
    course_revision_id TEXT NOT NULL REFERENCES course_revision (id),
    path               TEXT NOT NULL,
    text               TEXT NOT NULL,
    PRIMARY KEY (course_revision_id, path)
);

-- Who published a revision in the browser (NULL for a folder import).
ALTER TABLE course_revision ADD COLUMN published_by TEXT REFERENCES app_user (id);
-- Publishing this course needs a reviewer's approval.
ALTER TABLE course ADD COLUMN review_required BIGINT NOT NULL DEFAULT 0;

-- The people who maintain ('maintainer') or review ('reviewer') a course. Admins may do both everywhere.
CREATE TABLE course_member (
    course_id TEXT NOT NULL REFERENCES course (id),
    user_id   TEXT NOT NULL REFERENCES app_user (id),
    role      TEXT NOT NULL,
    added_at  BIGINT NOT NULL,
    PRIMARY KEY (course_id, user_id, role)
);
CREATE INDEX course_member_user_idx ON course_member (user_id);

-- A course's working copy. state: 'editing', or 'review' while a publish request waits (then it is frozen).
CREATE TABLE course_draft (
    course_id        TEXT PRIMARY KEY REFERENCES course (id),
    base_revision_id TEXT REFERENCES course_revision (id),
    state            TEXT NOT NULL,
    updated_at       BIGINT NOT NULL,
    updated_by       TEXT NOT NULL REFERENCES app_user (id),
    requested_by     TEXT REFERENCES app_user (id),
    requested_at     BIGINT
);

-- The draft's files. version counts saves: a save names the version its editor started from, and a save
-- over someone else's newer one is kept aside in draft_conflict instead.
CREATE TABLE draft_file (
    course_id  TEXT NOT NULL REFERENCES course (id),
    path       TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    version    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES app_user (id),
    PRIMARY KEY (course_id, path)
);

-- A text saved over a newer version: kept, shown beside the current one with their diff, until resolved.
CREATE TABLE draft_conflict (
    id         TEXT PRIMARY KEY,
    course_id  TEXT NOT NULL REFERENCES course (id),
    path       TEXT NOT NULL,
    text       TEXT NOT NULL,
    saved_by   TEXT NOT NULL REFERENCES app_user (id),
    saved_at   BIGINT NOT NULL
);
CREATE INDEX draft_conflict_course_idx ON draft_conflict (course_id, path);

-- Every publish, request, approval, rejection and restore: who, when, which revision, and the comment.
CREATE TABLE course_event (
    id          TEXT PRIMARY KEY,
    course_id   TEXT NOT NULL REFERENCES course (id),
    kind        TEXT NOT NULL,
    revision_id TEXT REFERENCES course_revision (id),
    user_id     TEXT NOT NULL REFERENCES app_user (id),
    comment     TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX course_event_course_idx ON course_event (course_id, at);
