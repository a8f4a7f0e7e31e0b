-- The lesson fast path's one query per page (lesson/cache.rs): the current revision of lesson $2 in course
-- $1, and learner $3's state on it ('' when anonymous), computed as course_items.sql computes it.
SELECT r.id AS revision_id,
  CAST(CASE WHEN p.user_id IS NULL THEN 0 WHEN p.content_hash = lr.content_hash THEN 1 ELSE 2 END AS BIGINT) AS status
FROM course c JOIN course_revision r ON r.id = c.current_revision_id
JOIN lesson l ON l.course_id = c.id AND l.slug = $2
JOIN lesson_revision lr ON lr.lesson_id = l.id AND lr.course_revision_id = r.id
LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = $3
WHERE c.slug = $1 AND c.retired_at IS NULL
