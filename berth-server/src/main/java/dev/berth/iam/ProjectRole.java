package dev.berth.iam;

import java.util.Optional;

/**
 * The five project roles, with Harbor's ids and names. What each may do is in {@link
 * PermissionTable}, where the role is the column headed by its {@link #letter()}.
 */
public enum ProjectRole {
    PROJECT_ADMIN(1, "projectAdmin", 'A'),
    DEVELOPER(2, "developer", 'D'),
    GUEST(3, "guest", 'G'),
    MAINTAINER(4, "maintainer", 'M'),
    LIMITED_GUEST(5, "limitedGuest", 'L');

    private final int id;
    private final String roleName;
    private final char letter;

    ProjectRole(int id, String roleName, char letter) {
        this.id = id;
        this.roleName = roleName;
        this.letter = letter;
    }

    public int id() {
        return id;
    }

    public String roleName() {
        return roleName;
    }

    /** The role's column in {@link PermissionTable}. */
    char letter() {
        return letter;
    }

    public boolean permits(Resource resource, Action action) {
        return PermissionTable.roleGrants(this, resource, action);
    }

    public static Optional<ProjectRole> byId(int id) {
        for (ProjectRole r : values()) {
            if (r.id == id) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
