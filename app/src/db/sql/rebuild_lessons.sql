-- summary::rebuild, 4: lessons done per learner and course, counting only lessons of the current revision.
SELECT p.user_id AS user_id, l.course_id AS course_id, CAST(COUNT(lr.id) AS BIGINT) AS lessons_done, MAX(p.done_at) AS last_done_at
  FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id JOIN course c ON c.id = l.course_id
  LEFT JOIN lesson_revision lr ON lr.lesson_id = p.lesson_id AND lr.course_revision_id = c.current_revision_id
  GROUP BY p.user_id, l.course_id
