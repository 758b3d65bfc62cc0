package dev.berth.iam;

import java.util.Optional;

/**
 * Projects and memberships as authorisation sees them. Implemented by the project module, so that
 * identity does not depend on it.
 */
public interface ProjectAccess {
    Optional<ProjectScope> findProject(String name);

    Optional<ProjectScope> findProject(long id);

    /** The user's role in the project, directly or through a group; empty if not a member. */
    Optional<ProjectRole> roleOf(long projectId, long userId);
}
