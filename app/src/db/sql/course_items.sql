-- The contents of a course revision ($1) in one order: lessons and quizzes share `position`. $2 is the
-- learner ('' when anonymous). status: for a lesson 0 not done, 1 done, 2 done before the lesson changed;
-- for a quiz 1 when passed.
SELECT 'lesson' AS kind, l.slug AS slug, lr.title AS title, lr.minutes AS minutes, lr.position AS position,
  CAST(0 AS BIGINT) AS questions,
  CAST(CASE WHEN p.user_id IS NULL THEN 0 WHEN p.content_hash = lr.content_hash THEN 1 ELSE 2 END AS BIGINT) AS status
FROM lesson_revision lr JOIN lesson l ON l.id = lr.lesson_id
LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = $2
WHERE lr.course_revision_id = $1
UNION ALL
SELECT 'quiz', q.slug, qr.title, CAST(0 AS BIGINT), qr.position,
  (SELECT COUNT(*) FROM question x WHERE x.quiz_revision_id = qr.id),
  CAST(CASE WHEN EXISTS (SELECT 1 FROM attempt a WHERE a.quiz_id = q.id AND a.user_id = $2 AND a.passed = 1 AND a.over_limit = 0) THEN 1 ELSE 0 END AS BIGINT)
FROM quiz_revision qr JOIN quiz q ON q.id = qr.quiz_id
WHERE qr.course_revision_id = $1
ORDER BY 5
