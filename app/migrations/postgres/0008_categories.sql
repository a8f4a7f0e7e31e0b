-- Course categories as `courses/categories.toml` lists them, stored at import so the catalog names them in
-- the reader's language and lists them in the file's order. A course keeps its category's slug.
CREATE TABLE category (
    slug     TEXT PRIMARY KEY,
    name_vi  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    position BIGINT NOT NULL
);

-- Region paths compare byte by byte, as learner_course.region_path and SQLite's BINARY already do:
-- db::bulk::area_condition tests "inside an area" as the range ['p/', 'p0'), which a locale collation
-- (that ignores '/') would break.
ALTER TABLE region ALTER COLUMN path TYPE TEXT COLLATE "C";
