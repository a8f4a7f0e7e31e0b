-- A region's breakdown by child region without a month filter (docs/dashboard.md, "At national scale"):
-- stat_cell holds one cell per month, so a province's communes meant adding up every month of every
-- commune (278,000 cells, about 70 ms on PostgreSQL at 1,000,000 learners). These totals drop the month.
-- Written by db/summary.rs with stat_cell, in the same transaction, and rebuilt with it. Same table in the
-- other dialect's folder.
CREATE TABLE stat_child (
    parent_path TEXT COLLATE "C" NOT NULL,
    region_path TEXT COLLATE "C" NOT NULL,
    course_id   TEXT NOT NULL,
    org_type    TEXT NOT NULL,
    enrolled    BIGINT NOT NULL,
    completed   BIGINT NOT NULL,
    certified   BIGINT NOT NULL,
    PRIMARY KEY (parent_path, region_path, course_id, org_type)
);
INSERT INTO stat_child (parent_path, region_path, course_id, org_type, enrolled, completed, certified)
  SELECT parent_path, region_path, course_id, org_type, SUM(enrolled), SUM(completed), SUM(certified)
  FROM stat_cell WHERE parent_path IS NOT NULL GROUP BY parent_path, region_path, course_id, org_type;
