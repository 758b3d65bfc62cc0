-- Robot accounts managed through /api/v2.0/robots.

-- Who created a robot: creator_type "local" (a user) or "robot"; creator_ref holds that one's id.
ALTER TABLE robot ADD COLUMN creator_type text NOT NULL DEFAULT '';

-- A grant on one project is pinned to the project's id, so that deleting the project deletes the
-- grant instead of handing it to a later project created under the same name. NULL for system
-- grants and for "*" (all projects).
ALTER TABLE robot_permission ADD COLUMN project_id bigint REFERENCES project (id) ON DELETE CASCADE;
UPDATE robot_permission rp SET project_id = p.id
FROM project p
WHERE rp.kind = 'project' AND rp.namespace = p.name;
DELETE FROM robot_permission WHERE kind = 'project' AND namespace <> '*' AND project_id IS NULL;
ALTER TABLE robot_permission ADD CONSTRAINT robot_permission_pinned
    CHECK ((kind = 'project' AND namespace <> '*') = (project_id IS NOT NULL));
CREATE INDEX robot_permission_project ON robot_permission (project_id);
CREATE INDEX robot_project ON robot (project_id);
