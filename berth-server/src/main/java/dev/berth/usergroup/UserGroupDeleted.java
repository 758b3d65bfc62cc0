package dev.berth.usergroup;

/**
 * Published (synchronously, inside the deleting transaction) when a user group is deleted, so the
 * modules that refer to groups, such as project membership, can drop their references.
 */
public record UserGroupDeleted(long groupId) {}
