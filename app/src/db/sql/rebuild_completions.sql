-- summary::rebuild, 6: completions with their certificate, if any (a revoked one no longer counts).
SELECT c.user_id AS user_id, c.course_id AS course_id, c.completed_at AS completed_at, ce.code AS code,
  ce.issued_at AS issued_at, ce.revoked_at AS revoked_at
  FROM completion c LEFT JOIN certificate ce ON ce.user_id = c.user_id AND ce.course_id = c.course_id
