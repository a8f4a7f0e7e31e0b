-- Officials' dashboard: a per-learner summary, a roll-up of it, and training targets. Same columns in the
-- other dialect's folder.

-- One row per learner and course, written in the same transaction as each enrolment, lesson, attempt,
-- completion and revocation. Region path and organisation type are copied so a filter never joins app_user.
CREATE TABLE learner_course (
    user_id          TEXT NOT NULL REFERENCES app_user (id),
    course_id        TEXT NOT NULL REFERENCES course (id),
    region_path      TEXT NOT NULL,
    org_type         TEXT NOT NULL,
    enrolled_at      BIGINT NOT NULL,
    last_active_at   BIGINT NOT NULL,
    lessons_done     BIGINT NOT NULL,
    best_score       DOUBLE PRECISION,
    passed_at        BIGINT,
    completed_at     BIGINT,
    certified_at     BIGINT,
    certificate_code TEXT,
    PRIMARY KEY (user_id, course_id)
);
CREATE INDEX learner_course_region_idx ON learner_course (region_path, course_id);
CREATE INDEX learner_course_active_idx ON learner_course (last_active_at);

-- Counts of learner_course by region node, course, organisation type and month (Vietnam time, 'YYYY-MM'),
-- kept for every ancestor of the learner's region ('' is the whole country). enrolled, completed and
-- certified count the learners who enrolled that month; completions counts completions made that month.
-- A dashboard reads a few thousand cells instead of scanning every learner (see docs/dashboard.md).
CREATE TABLE stat_cell (
    region_path TEXT NOT NULL,
    parent_path TEXT,
    course_id   TEXT NOT NULL,
    org_type    TEXT NOT NULL,
    month       TEXT NOT NULL,
    enrolled    BIGINT NOT NULL,
    completed   BIGINT NOT NULL,
    certified   BIGINT NOT NULL,
    completions BIGINT NOT NULL,
    PRIMARY KEY (region_path, course_id, org_type, month)
);
CREATE INDEX stat_cell_parent_idx ON stat_cell (parent_path, region_path, course_id, org_type, month, enrolled, completed, certified);

-- "200 cooperative managers certified in course X by a date, in region R". org_type '' means every type.
CREATE TABLE training_target (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES region (code),
    course_id   TEXT NOT NULL REFERENCES course (id),
    org_type    TEXT NOT NULL,
    target      BIGINT NOT NULL,
    due_on      TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES app_user (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX training_target_region_idx ON training_target (region_code);
