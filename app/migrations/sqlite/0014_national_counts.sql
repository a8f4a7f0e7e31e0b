-- The dashboard's two headline counts at national scale (docs/dashboard.md, "At national scale"). Each
-- scanned every account, or every recent enrolment, on each view: 172 ms and 415-630 ms on PostgreSQL at
-- 1,000,000 learners. Same tables in the other dialect's folder.

-- One row per learner with an enrolment: where they count and when they last did anything, so "active in
-- the last 30 days" reads each active learner once instead of grouping their enrolments. Written with
-- learner_course (db/summary.rs) and rebuilt with it.
CREATE TABLE learner_activity (
    user_id        TEXT PRIMARY KEY REFERENCES app_user (id),
    region_path    TEXT NOT NULL,
    org_type       TEXT NOT NULL,
    last_active_at BIGINT NOT NULL
);
CREATE INDEX learner_activity_active_idx ON learner_activity (last_active_at, region_path, org_type);
INSERT INTO learner_activity (user_id, region_path, org_type, last_active_at)
  SELECT user_id, MIN(region_path), MIN(org_type), MAX(last_active_at) FROM learner_course GROUP BY user_id;

-- Live accounts by commune ('' when none), organisation type and month of registration (Vietnam time).
-- Kept by triggers, so every way an account is made or deleted counts, and in the same transaction.
CREATE TABLE account_cell (
    region_code TEXT NOT NULL,
    org_type    TEXT NOT NULL,
    month       TEXT NOT NULL,
    accounts    BIGINT NOT NULL,
    PRIMARY KEY (region_code, org_type, month)
);
INSERT INTO account_cell (region_code, org_type, month, accounts)
  SELECT COALESCE(region_code, ''), org_type, strftime('%Y-%m', created_at / 1000 + 25200, 'unixepoch'), COUNT(*)
  FROM app_user WHERE deleted_at IS NULL GROUP BY 1, 2, 3;

CREATE TRIGGER account_cell_insert AFTER INSERT ON app_user WHEN NEW.deleted_at IS NULL BEGIN
  INSERT INTO account_cell (region_code, org_type, month, accounts)
    VALUES (COALESCE(NEW.region_code, ''), NEW.org_type, strftime('%Y-%m', NEW.created_at / 1000 + 25200, 'unixepoch'), 1)
    ON CONFLICT (region_code, org_type, month) DO UPDATE SET accounts = accounts + 1;
END;

CREATE TRIGGER account_cell_update_old AFTER UPDATE OF region_code, org_type, created_at, deleted_at ON app_user
  WHEN OLD.deleted_at IS NULL BEGIN
  UPDATE account_cell SET accounts = accounts - 1 WHERE region_code = COALESCE(OLD.region_code, '') AND org_type = OLD.org_type
    AND month = strftime('%Y-%m', OLD.created_at / 1000 + 25200, 'unixepoch');
END;

CREATE TRIGGER account_cell_update_new AFTER UPDATE OF region_code, org_type, created_at, deleted_at ON app_user
  WHEN NEW.deleted_at IS NULL BEGIN
  INSERT INTO account_cell (region_code, org_type, month, accounts)
    VALUES (COALESCE(NEW.region_code, ''), NEW.org_type, strftime('%Y-%m', NEW.created_at / 1000 + 25200, 'unixepoch'), 1)
    ON CONFLICT (region_code, org_type, month) DO UPDATE SET accounts = accounts + 1;
END;

CREATE TRIGGER account_cell_delete AFTER DELETE ON app_user WHEN OLD.deleted_at IS NULL BEGIN
  UPDATE account_cell SET accounts = accounts - 1 WHERE region_code = COALESCE(OLD.region_code, '') AND org_type = OLD.org_type
    AND month = strftime('%Y-%m', OLD.created_at / 1000 + 25200, 'unixepoch');
END;
