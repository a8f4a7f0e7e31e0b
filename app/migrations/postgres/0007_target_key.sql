-- One target per region, course, organisation type and due date: sending the form twice (a double tap, a
-- reload) or setting it again changes the number instead of adding a second target.
CREATE UNIQUE INDEX training_target_key_idx ON training_target (region_code, course_id, org_type, due_on);
