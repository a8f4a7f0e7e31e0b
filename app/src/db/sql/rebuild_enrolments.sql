-- summary::rebuild, 3: every enrolment with where it counts: the learner's region path ('' when none) and
-- organisation type.
SELECT e.user_id AS user_id, e.course_id AS course_id, COALESCE(r.path, '') AS region_path, u.org_type AS org_type,
  e.enrolled_at AS enrolled_at
  FROM enrolment e JOIN app_user u ON u.id = e.user_id LEFT JOIN region r ON r.code = u.region_code
