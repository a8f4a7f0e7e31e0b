-- summary::rebuild, 1: enrolments the live path would have made for lessons done before it existed
-- (source 'self', at the first lesson done). `WHERE 1 = 1` is there for SQLite, which reads `ON CONFLICT`
-- after a bare SELECT's FROM as a join constraint.
INSERT INTO enrolment (user_id, course_id, enrolled_at, source)
  SELECT p.user_id, l.course_id, MIN(p.done_at), 'self' FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id
  WHERE 1 = 1 GROUP BY p.user_id, l.course_id
  ON CONFLICT (user_id, course_id) DO NOTHING
