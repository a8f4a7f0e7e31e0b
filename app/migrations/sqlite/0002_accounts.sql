-- Accounts: sessions, login throttling, one-time password links, enrolments. Same columns in ../postgres/.

CREATE TABLE session (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX session_expires_idx ON session (expires_at);

-- Keys are "ip:<address>" and "pair:<phone>|<address>"; counters are shared by every app process.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- Only a SHA-256 of the token is stored; the link itself is shown once.
CREATE TABLE password_token (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES app_user (id),
    purpose    TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE TABLE enrolment (
    user_id     TEXT NOT NULL REFERENCES app_user (id),
    course_id   TEXT NOT NULL REFERENCES course (id),
    enrolled_at BIGINT NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (user_id, course_id)
);

CREATE INDEX app_user_region_idx ON app_user (region_code);
CREATE INDEX app_user_name_key_idx ON app_user (name_key);
