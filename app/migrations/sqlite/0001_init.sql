-- Tập Huấn schema, SQLite dialect. Keep in step with ../postgres/0001_init.sql: only DDL types differ
-- (a test compares the two). Timestamps are BIGINT Unix milliseconds UTC; ids are TEXT (UUIDv7) or natural keys.

CREATE TABLE region (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT,
    kind        TEXT NOT NULL,
    path        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    retired_at  BIGINT
);
CREATE INDEX region_path_idx ON region (path);
CREATE INDEX region_parent_idx ON region (parent_code);

CREATE TABLE app_user (
    id            TEXT PRIMARY KEY,
    phone         TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    org_name      TEXT NOT NULL DEFAULT '',
    org_type      TEXT NOT NULL DEFAULT 'khac',
    region_code   TEXT REFERENCES region (code),
    password_hash TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT 'vi',
    created_at    BIGINT NOT NULL,
    deleted_at    BIGINT
);

CREATE TABLE user_role (
    user_id           TEXT NOT NULL REFERENCES app_user (id),
    role              TEXT NOT NULL,
    scope_region_code TEXT REFERENCES region (code),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE course (
    id                  TEXT PRIMARY KEY,
    slug                TEXT NOT NULL UNIQUE,
    current_revision_id TEXT,
    retired_at          BIGINT
);

CREATE TABLE course_revision (
    id            TEXT PRIMARY KEY,
    course_id     TEXT NOT NULL REFERENCES course (id),
    version       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    category      TEXT NOT NULL,
    audience      TEXT NOT NULL,
    hours         DOUBLE PRECISION NOT NULL,
    language      TEXT NOT NULL,
    last_reviewed TEXT,
    authors_json  TEXT NOT NULL,
    completion_json TEXT NOT NULL,
    glossary_html TEXT,
    search_key    TEXT NOT NULL,
    imported_at   BIGINT NOT NULL
);
CREATE INDEX course_revision_course_idx ON course_revision (course_id);

CREATE TABLE lesson (
    id        TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES course (id),
    slug      TEXT NOT NULL,
    UNIQUE (course_id, slug)
);

CREATE TABLE lesson_revision (
    id                 TEXT PRIMARY KEY,
    lesson_id          TEXT NOT NULL REFERENCES lesson (id),
    course_revision_id TEXT NOT NULL REFERENCES course_revision (id),
    position           BIGINT NOT NULL,
    title              TEXT NOT NULL,
    minutes            BIGINT NOT NULL,
    html               TEXT NOT NULL,
    search_key         TEXT NOT NULL,
    content_hash       TEXT NOT NULL,
    UNIQUE (course_revision_id, lesson_id)
);

CREATE TABLE quiz (
    id        TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES course (id),
    slug      TEXT NOT NULL,
    UNIQUE (course_id, slug)
);

CREATE TABLE quiz_revision (
    id                 TEXT PRIMARY KEY,
    quiz_id            TEXT NOT NULL REFERENCES quiz (id),
    course_revision_id TEXT NOT NULL REFERENCES course_revision (id),
    position           BIGINT NOT NULL,
    title              TEXT NOT NULL,
    settings_json      TEXT NOT NULL,
    content_hash       TEXT NOT NULL,
    UNIQUE (course_revision_id, quiz_id)
);

-- options_json holds what a learner may see; key_json and explanation_html only the grader and results page read.
CREATE TABLE question (
    id               TEXT PRIMARY KEY,
    quiz_revision_id TEXT NOT NULL REFERENCES quiz_revision (id),
    position         BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    prompt_html      TEXT NOT NULL,
    options_json     TEXT NOT NULL,
    key_json         TEXT NOT NULL,
    explanation_html TEXT NOT NULL,
    points           BIGINT NOT NULL
);
CREATE INDEX question_quiz_revision_idx ON question (quiz_revision_id);

CREATE TABLE course_asset (
    course_revision_id TEXT NOT NULL REFERENCES course_revision (id),
    path               TEXT NOT NULL,
    content_type       TEXT NOT NULL,
    bytes              BLOB NOT NULL,
    PRIMARY KEY (course_revision_id, path)
);

-- Progress hangs on the stable lesson id and remembers the content hash the learner saw.
CREATE TABLE lesson_progress (
    user_id      TEXT NOT NULL REFERENCES app_user (id),
    lesson_id    TEXT NOT NULL REFERENCES lesson (id),
    content_hash TEXT NOT NULL,
    done_at      BIGINT NOT NULL,
    PRIMARY KEY (user_id, lesson_id)
);
