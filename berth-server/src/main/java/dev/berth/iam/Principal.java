package dev.berth.iam;

import java.util.List;

/** Who is making a request: nobody in particular, a user, or a robot account. */
public sealed interface Principal {
    /** The name recorded in audit logs. */
    String name();

    record Anonymous() implements Principal {
        @Override
        public String name() {
            return "anonymous";
        }
    }

    record User(long id, String name, boolean sysadmin) implements Principal {}

    /**
     * @param projectId the project of a project-level robot, 0 for a system robot
     * @param permissions what the robot may do, exactly as granted
     */
    record Robot(long id, String name, long projectId, List<RobotPermission> permissions) implements Principal {
        public Robot {
            permissions = List.copyOf(permissions);
        }
    }

    /**
     * A registry token presented to {@code /v2/}: it carries its own grants, checked without a
     * database round trip.
     */
    record TokenHolder(String name, TokenVerifier.VerifiedToken token) implements Principal {}

    Anonymous ANONYMOUS = new Anonymous();

    default boolean isSysadmin() {
        return this instanceof User u && u.sysadmin();
    }

    default boolean isAuthenticated() {
        return !(this instanceof Anonymous);
    }
}
