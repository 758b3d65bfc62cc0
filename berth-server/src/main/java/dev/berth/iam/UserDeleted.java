package dev.berth.iam;

/**
 * Published, inside the deleting transaction, when a user is deleted, so that modules holding
 * references to the user (project memberships, ...) remove them in the same transaction.
 */
public record UserDeleted(long userId, String username) {}
