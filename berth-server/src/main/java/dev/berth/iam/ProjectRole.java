package dev.berth.iam;

import static dev.berth.iam.Resource.*;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The five project roles and what each may do: Harbor's role matrix, cell for cell. Actions are
 * written compactly: C create, R read, U update, D delete, L list, plus "pull", "push", "stop",
 * "op" (operate).
 */
public enum ProjectRole {
    PROJECT_ADMIN(1, "projectAdmin"),
    DEVELOPER(2, "developer"),
    GUEST(3, "guest"),
    MAINTAINER(4, "maintainer"),
    LIMITED_GUEST(5, "limitedGuest");

    private final int id;
    private final String roleName;
    private final Map<Resource, Set<Action>> grants = new EnumMap<>(Resource.class);

    ProjectRole(int id, String roleName) {
        this.id = id;
        this.roleName = roleName;
    }

    public int id() {
        return id;
    }

    public String roleName() {
        return roleName;
    }

    public boolean permits(Resource resource, Action action) {
        Set<Action> actions = grants.get(resource);
        return actions != null && actions.contains(action);
    }

    public Map<Resource, Set<Action>> grants() {
        return grants;
    }

    public static Optional<ProjectRole> byId(int id) {
        for (ProjectRole r : values()) {
            if (r.id == id) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** What anyone, anonymous included, may do in a public project. */
    public static final Map<Resource, Set<Action>> PUBLIC_PROJECT = new EnumMap<>(Resource.class);

    static {
        grant(PUBLIC_PROJECT, PROJECT, "R");
        grant(PUBLIC_PROJECT, LABEL, "RL");
        grant(PUBLIC_PROJECT, REPOSITORY, "L pull");
        grant(PUBLIC_PROJECT, SCAN, "R");
        grant(PUBLIC_PROJECT, SCANNER, "R");
        grant(PUBLIC_PROJECT, TAG, "L");
        grant(PUBLIC_PROJECT, ARTIFACT, "RL");
        grant(PUBLIC_PROJECT, ARTIFACT_ADDITION, "R");
        grant(PUBLIC_PROJECT, ACCESSORY, "L");

        Map<Resource, Set<Action>> admin = PROJECT_ADMIN.grants;
        grant(admin, PROJECT, "RUD");
        grant(admin, MEMBER, "CRUDL");
        grant(admin, METADATA, "CRUD");
        grant(admin, LOG, "L");
        grant(admin, LABEL, "CRUDL");
        grant(admin, QUOTA, "R");
        grant(admin, REPOSITORY, "CRUDL pull push");
        grant(admin, TAG_RETENTION, "CRUDL op");
        grant(admin, IMMUTABLE_TAG, "CUDL");
        grant(admin, CONFIGURATION, "RU");
        grant(admin, ROBOT, "CRUDL");
        grant(admin, NOTIFICATION_POLICY, "CRUDL");
        grant(admin, SCAN, "CR stop");
        grant(admin, SBOM, "CR stop");
        grant(admin, SCANNER, "RC");
        grant(admin, ARTIFACT, "CRDL");
        grant(admin, ARTIFACT_ADDITION, "R");
        grant(admin, TAG, "CDL");
        grant(admin, ACCESSORY, "L");
        grant(admin, ARTIFACT_LABEL, "CD");
        grant(admin, PREHEAT_POLICY, "CRUDL");
        grant(admin, EXPORT_CVE, "CRL");

        Map<Resource, Set<Action>> maintainer = MAINTAINER.grants;
        grant(maintainer, PROJECT, "R");
        grant(maintainer, MEMBER, "RL");
        grant(maintainer, METADATA, "R");
        grant(maintainer, LABEL, "CRUDL");
        grant(maintainer, QUOTA, "R");
        grant(maintainer, REPOSITORY, "CRUDL pull push");
        grant(maintainer, TAG_RETENTION, "CRUDL op");
        grant(maintainer, IMMUTABLE_TAG, "CUDL");
        grant(maintainer, CONFIGURATION, "R");
        grant(maintainer, ROBOT, "RL");
        grant(maintainer, NOTIFICATION_POLICY, "RL");
        grant(maintainer, SCAN, "CR stop");
        grant(maintainer, SBOM, "CR stop");
        grant(maintainer, SCANNER, "R");
        grant(maintainer, ARTIFACT, "CRDL");
        grant(maintainer, ARTIFACT_ADDITION, "R");
        grant(maintainer, TAG, "CDL");
        grant(maintainer, ACCESSORY, "L");
        grant(maintainer, ARTIFACT_LABEL, "CD");
        grant(maintainer, EXPORT_CVE, "CRL");

        Map<Resource, Set<Action>> developer = DEVELOPER.grants;
        grant(developer, PROJECT, "R");
        grant(developer, MEMBER, "RL");
        grant(developer, LABEL, "RL");
        grant(developer, QUOTA, "R");
        grant(developer, REPOSITORY, "CRUL pull push");
        grant(developer, TAG_RETENTION, "CRUDL op");
        grant(developer, CONFIGURATION, "R");
        grant(developer, ROBOT, "RL");
        grant(developer, SCAN, "R");
        grant(developer, SBOM, "R");
        grant(developer, SCANNER, "R");
        grant(developer, ARTIFACT, "CRL");
        grant(developer, ARTIFACT_ADDITION, "R");
        grant(developer, TAG, "CL");
        grant(developer, ACCESSORY, "L");
        grant(developer, ARTIFACT_LABEL, "CD");
        grant(developer, EXPORT_CVE, "CRL");

        Map<Resource, Set<Action>> guest = GUEST.grants;
        grant(guest, PROJECT, "R");
        grant(guest, MEMBER, "RL");
        grant(guest, LABEL, "RL");
        grant(guest, QUOTA, "R");
        grant(guest, REPOSITORY, "RL pull");
        grant(guest, CONFIGURATION, "R");
        grant(guest, ROBOT, "RL");
        grant(guest, SCAN, "R");
        grant(guest, SBOM, "R");
        grant(guest, SCANNER, "R");
        grant(guest, ARTIFACT, "RL");
        grant(guest, ARTIFACT_ADDITION, "R");
        grant(guest, TAG, "L");
        grant(guest, ACCESSORY, "L");

        Map<Resource, Set<Action>> limited = LIMITED_GUEST.grants;
        grant(limited, PROJECT, "R");
        grant(limited, QUOTA, "R");
        grant(limited, REPOSITORY, "RL pull");
        grant(limited, CONFIGURATION, "R");
        grant(limited, SCAN, "R");
        grant(limited, SBOM, "R");
        grant(limited, SCANNER, "R");
        grant(limited, ARTIFACT, "RL");
        grant(limited, ARTIFACT_ADDITION, "R");
        grant(limited, TAG, "L");
        grant(limited, ACCESSORY, "L");
    }

    private static void grant(Map<Resource, Set<Action>> into, Resource resource, String spec) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        String[] words = spec.split(" ");
        for (char c : words[0].toCharArray()) {
            actions.add(
                    switch (c) {
                        case 'C' -> Action.CREATE;
                        case 'R' -> Action.READ;
                        case 'U' -> Action.UPDATE;
                        case 'D' -> Action.DELETE;
                        case 'L' -> Action.LIST;
                        default -> throw new IllegalArgumentException(spec);
                    });
        }
        for (int i = 1; i < words.length; i++) {
            actions.add(
                    switch (words[i]) {
                        case "pull" -> Action.PULL;
                        case "push" -> Action.PUSH;
                        case "stop" -> Action.STOP;
                        case "op" -> Action.OPERATE;
                        default -> throw new IllegalArgumentException(spec);
                    });
        }
        into.put(resource, Set.copyOf(actions));
    }
}
