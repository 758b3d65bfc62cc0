package dev.berth.project;

/**
 * A project member: a user ({@code entityType} "u") or a user group ("g") holding a role.
 *
 * @param entityName the user's or the group's name
 */
record ProjectMember(long id, long projectId, String entityName, int roleId, long entityId, String entityType) {}
