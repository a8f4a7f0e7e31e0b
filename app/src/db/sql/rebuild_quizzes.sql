-- summary::rebuild, 5: best score, first pass and last submission per learner and course.
SELECT a.user_id AS user_id, q.course_id AS course_id, MAX(a.percent) AS best_score,
  MIN(CASE WHEN a.passed = 1 THEN a.submitted_at END) AS passed_at, MAX(a.submitted_at) AS last_submitted_at
  FROM attempt a JOIN quiz q ON q.id = a.quiz_id WHERE a.submitted_at IS NOT NULL AND a.over_limit = 0 GROUP BY a.user_id, q.course_id
