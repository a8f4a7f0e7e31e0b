-- summary::rebuild, 2: the same for submitted quiz attempts (at the first submission).
INSERT INTO enrolment (user_id, course_id, enrolled_at, source)
  SELECT a.user_id, q.course_id, MIN(a.submitted_at), 'self' FROM attempt a JOIN quiz q ON q.id = a.quiz_id
  WHERE a.submitted_at IS NOT NULL GROUP BY a.user_id, q.course_id
  ON CONFLICT (user_id, course_id) DO NOTHING
