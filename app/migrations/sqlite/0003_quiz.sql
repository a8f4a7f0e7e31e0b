-- Quiz attempts and answers. Same columns in ../postgres/.

CREATE TABLE attempt (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES app_user (id),
    quiz_id          TEXT NOT NULL REFERENCES quiz (id),
    quiz_revision_id TEXT NOT NULL REFERENCES quiz_revision (id),
    seed             BIGINT NOT NULL,
    question_ids     TEXT NOT NULL,
    started_at       BIGINT NOT NULL,
    deadline_at      BIGINT,
    submitted_at     BIGINT,
    points           DOUBLE PRECISION,
    max_points       DOUBLE PRECISION,
    percent          DOUBLE PRECISION,
    passed           BIGINT
);
CREATE INDEX attempt_user_quiz_idx ON attempt (user_id, quiz_id);
CREATE INDEX attempt_quiz_idx ON attempt (quiz_id, submitted_at);

CREATE TABLE answer (
    attempt_id  TEXT NOT NULL REFERENCES attempt (id),
    question_id TEXT NOT NULL REFERENCES question (id),
    response    TEXT NOT NULL,
    points      DOUBLE PRECISION NOT NULL,
    max_points  DOUBLE PRECISION NOT NULL,
    correct     BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
);
