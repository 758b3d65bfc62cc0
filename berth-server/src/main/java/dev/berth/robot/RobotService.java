package dev.berth.robot;

import dev.berth.api.ApiErrorCode;
import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.SqlFilter;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.CredentialAuthenticator;
import dev.berth.iam.PasswordHasher;
import dev.berth.iam.PasswordRules;
import dev.berth.iam.Principal;
import dev.berth.iam.ProjectScope;
import dev.berth.iam.Resource;
import dev.berth.iam.RobotSecrets;
import dev.berth.system.SystemSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Robot accounts: creation, update, secret refresh and deletion with Harbor's rules, and the checks
 * that keep them from becoming a way around authorisation. A caller acts on a robot only where it
 * holds the matching {@code robot} permission (in the robot's project, or at system level); a robot
 * it may not even read does not exist for it (404), so ids of other projects' robots reveal nothing.
 * A robot account creating robots can grant only what it holds itself, and no longer than it lives.
 */
@Service
public class RobotService {
    static final int SECRET_LENGTH = 32;
    private static final int DEFAULT_DURATION_DAYS = 30;

    private final RobotStore store;
    private final Authorizer authorizer;
    private final CredentialAuthenticator credentials;
    private final SystemSettings settings;
    private final AuditLog audit;
    private final Clock clock;
    private final PasswordHasher hasher;

    RobotService(
            RobotStore store,
            Authorizer authorizer,
            CredentialAuthenticator credentials,
            SystemSettings settings,
            AuditLog audit,
            Clock clock,
            PasswordHasher hasher) {
        this.hasher = hasher;
        this.store = store;
        this.authorizer = authorizer;
        this.credentials = credentials;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** A robot with its grants. */
    record Account(RobotStore.Stored robot, List<RobotStore.StoredGrant> grants) {}

    /** A created robot and its secret, which is never shown again. */
    record Created(RobotStore.Stored robot, String secret) {}

    Created create(Principal caller, RobotRequest request) {
        String name = request.name().orElseThrow(() -> ApiException.badRequest("name is required"));
        RobotRequest.validateName(name);
        String level = request.level().orElseThrow(() -> ApiException.badRequest("level is required"));
        Optional<ProjectScope> project = switch (level) {
            case "system" -> {
                if (!authorizer.allowedSystem(caller, Resource.ROBOT, Action.CREATE)) {
                    throw Callers.denied(caller);
                }
                yield Optional.empty();
            }
            case "project" -> Optional.of(projectOfProjectRobot(request.permissions()));
            default -> throw ApiException.badRequest("level must be \"system\" or \"project\"");
        };
        if (project.isPresent()) {
            requireProjectAccess(
                    caller,
                    project.get(),
                    Action.CREATE,
                    "project " + project.get().name());
        }
        List<RobotStore.StoredGrant> grants = resolve(request.permissions(), project);
        long duration = request.duration().orElseGet(this::defaultDuration);
        long expiresAt = duration == -1
                ? -1
                : clock.instant().plus(Duration.ofDays(duration)).getEpochSecond();
        if (caller instanceof Principal.Robot creator) {
            requireWithin(creator, grants, expiresAt);
        }
        String secret = request.secret()
                .map(RobotService::checkedSecret)
                .orElseGet(() -> PasswordRules.generate(SECRET_LENGTH));
        long id = store.insert(
                name,
                project.map(ProjectScope::id).orElse(0L),
                request.description(),
                stored(secret, request.secret().isPresent()),
                request.disable(),
                duration,
                expiresAt,
                caller instanceof Principal.Robot ? "robot" : "local",
                String.valueOf(idOf(caller)),
                grants);
        RobotStore.Stored created = store.find(id).orElseThrow();
        audit.record(caller.name(), created.projectId(), AuditLog.Operation.CREATE, "robot", created.loginName());
        return new Created(created, secret);
    }

    Account get(Principal caller, long id) {
        RobotStore.Stored robot = visible(caller, id);
        return new Account(robot, store.grants(id));
    }

    /** A page of robots and how many match in all. */
    record Page(List<Account> robots, long total) {}

    /**
     * Harbor's listing: {@code q=Level=system} (the default) lists system robots, {@code
     * q=Level=project,ProjectID=<id>} the robots of one project; further terms filter by the fields
     * of {@link RobotListing#FIELDS}.
     */
    Page list(Principal caller, ListQuery query) {
        RobotListing.Scope scope = RobotListing.scope(query);
        requireList(caller, scope.projectId());
        SqlFilter filter = scope.rest().toSql(RobotListing.FIELDS);
        long total = store.count(scope.projectId(), filter);
        List<Account> robots = store.list(scope.projectId(), filter).stream()
                .map(r -> new Account(r, store.grants(r.id())))
                .toList();
        return new Page(robots, total);
    }

    private void requireList(Principal caller, long projectId) {
        if (projectId == 0) {
            if (!authorizer.allowedSystem(caller, Resource.ROBOT, Action.LIST)) {
                throw Callers.denied(caller);
            }
            return;
        }
        ProjectScope project =
                authorizer.project(projectId).orElseThrow(() -> Callers.hidden(caller, "project " + projectId));
        requireProjectAccess(caller, project, Action.LIST, "project " + projectId);
    }

    void update(Principal caller, long id, RobotRequest request) {
        RobotStore.Stored robot = visible(caller, id);
        requireRobotAccess(caller, robot, Action.UPDATE);
        if (request.name().isPresent()
                && !request.name().get().equals(robot.loginName())
                && !request.name().get().equals(robot.name())) {
            throw ApiException.badRequest("the name of a robot account cannot be changed");
        }
        if (request.level().isPresent() && !request.level().get().equals(robot.level())) {
            throw ApiException.badRequest("the level of a robot account cannot be changed");
        }
        Optional<ProjectScope> project = Optional.empty();
        if (robot.projectId() != 0) {
            // Compared by name before any lookup, so that the answer says nothing about other projects.
            if (request.permissions().size() == 1
                    && !request.permissions().getFirst().namespace().equals(robot.projectName())) {
                throw ApiException.badRequest("a project robot account cannot be moved to another project");
            }
            project = Optional.of(projectOfProjectRobot(request.permissions()));
        }
        List<RobotStore.StoredGrant> grants = resolve(request.permissions(), project);
        long duration = request.duration().orElse(robot.duration());
        long expiresAt = duration == robot.duration()
                ? robot.expiresAt()
                : duration == -1
                        ? -1
                        : robot.creationTime().plus(Duration.ofDays(duration)).getEpochSecond();
        if (caller instanceof Principal.Robot updater) {
            requireWithin(updater, grants, expiresAt);
        }
        store.update(id, request.description(), request.disable(), duration, expiresAt, grants);
        credentials.forgetAll();
        List<String> changed = new ArrayList<>();
        if (robot.disabled() != request.disable()) {
            changed.add(AuditLog.change("disable", robot.disabled(), request.disable()));
        }
        if (robot.duration() != duration) {
            changed.add(AuditLog.change("duration", robot.duration(), duration));
        }
        if (!Objects.equals(robot.description(), request.description())) {
            changed.add("description");
        }
        audit.record(
                caller.name(),
                robot.projectId(),
                AuditLog.Operation.UPDATE,
                "robot",
                robot.loginName(),
                AuditLog.changes(changed));
    }

    /** Sets a new secret: the caller's (then "" is returned) or a generated one (returned once). */
    String refreshSecret(Principal caller, long id, Optional<String> chosen) {
        RobotStore.Stored robot = visible(caller, id);
        requireRobotAccess(caller, robot, Action.UPDATE);
        String secret = chosen.map(RobotService::checkedSecret).orElseGet(() -> PasswordRules.generate(SECRET_LENGTH));
        store.updateSecret(id, stored(secret, chosen.isPresent()));
        credentials.forgetAll();
        audit.record(caller.name(), robot.projectId(), AuditLog.Operation.UPDATE, "robot", robot.loginName());
        return chosen.isPresent() ? "" : secret;
    }

    void delete(Principal caller, long id) {
        RobotStore.Stored robot = visible(caller, id);
        requireRobotAccess(caller, robot, Action.DELETE);
        if (store.delete(id)) {
            credentials.forgetAll();
            audit.record(caller.name(), robot.projectId(), AuditLog.Operation.DELETE, "robot", robot.loginName());
        }
    }

    // ---- rules --------------------------------------------------------------------------------

    /** The robot if the caller may read it; otherwise 404 (401 for anonymous callers), revealing nothing. */
    private RobotStore.Stored visible(Principal caller, long id) {
        return store.find(id)
                .filter(r -> mayAct(caller, r, Action.READ))
                .orElseThrow(() -> Callers.hidden(caller, "robot account " + id));
    }

    private void requireRobotAccess(Principal caller, RobotStore.Stored robot, Action action) {
        if (!mayAct(caller, robot, action)) {
            throw Callers.denied(caller);
        }
    }

    private boolean mayAct(Principal caller, RobotStore.Stored robot, Action action) {
        if (robot.projectId() == 0) {
            return authorizer.allowedSystem(caller, Resource.ROBOT, action);
        }
        return authorizer
                .project(robot.projectId())
                .map(p -> authorizer.allowed(caller, p, Resource.ROBOT, action))
                .orElse(false);
    }

    /**
     * 403 for a caller who may see the project but lacks the robot permission there; 404 for one who
     * may not even see it. (A robot account may hold robot permissions without project:read.)
     */
    private void requireProjectAccess(Principal caller, ProjectScope project, Action action, String what) {
        if (!authorizer.allowed(caller, project, Resource.ROBOT, action)) {
            throw authorizer.allowed(caller, project, Resource.PROJECT, Action.READ)
                    ? Callers.denied(caller)
                    : Callers.hidden(caller, what);
        }
    }

    /** A project robot holds exactly one permission entry, of kind project, naming one real project. */
    private ProjectScope projectOfProjectRobot(List<RobotRequest.Grant> grants) {
        if (grants.size() != 1
                || !grants.getFirst().kind().equals("project")
                || grants.getFirst().namespace().equals("*")) {
            throw ApiException.badRequest(
                    "a project robot account takes exactly one permission, of kind project, for its own project");
        }
        String name = grants.getFirst().namespace();
        return authorizer.project(name).orElseThrow(() -> ApiException.notFound("project " + name + " not found"));
    }

    /** Flattens the grants, pinning project namespaces to project ids; 404 for an unknown project. */
    private List<RobotStore.StoredGrant> resolve(List<RobotRequest.Grant> grants, Optional<ProjectScope> own) {
        List<RobotStore.StoredGrant> out = new ArrayList<>();
        for (RobotRequest.Grant g : grants) {
            long projectId = 0;
            if (g.kind().equals("system")) {
                if (own.isPresent()) {
                    throw ApiException.badRequest("a project robot account cannot hold system permissions");
                }
                if (!g.namespace().equals("/")) {
                    throw ApiException.badRequest("the namespace of a system permission must be \"/\"");
                }
            } else if (!g.namespace().equals("*")) {
                projectId = authorizer
                        .project(g.namespace())
                        .map(ProjectScope::id)
                        .orElseThrow(() -> ApiException.notFound("project " + g.namespace() + " not found"));
            }
            for (RobotRequest.Access a : g.access()) {
                out.add(new RobotStore.StoredGrant(g.kind(), g.namespace(), projectId, a.resource(), a.action()));
            }
        }
        return List.copyOf(out);
    }

    /** A robot may hand out only grants it holds itself (Harbor #18636), for no longer than it lives. */
    private void requireWithin(Principal.Robot creator, List<RobotStore.StoredGrant> grants, long expiresAt) {
        for (RobotStore.StoredGrant g : grants) {
            boolean held = creator.permissions().stream()
                    .anyMatch(p -> p.kind().equals(g.kind())
                            && (p.namespace().equals(g.namespace())
                                    || p.namespace().equals("*"))
                            && p.resource() == g.resource()
                            && p.action() == g.action());
            if (!held) {
                throw new ApiException(
                        ApiErrorCode.DENIED,
                        "a robot account can grant only permissions it holds itself; it lacks " + g.kind() + " "
                                + g.namespace() + " " + g.resource().wire() + ":"
                                + g.action().wire());
            }
        }
        long creatorExpiry =
                store.find(creator.id()).map(RobotStore.Stored::expiresAt).orElse(0L);
        if (creatorExpiry >= 0 && (expiresAt < 0 || expiresAt > creatorExpiry)) {
            throw new ApiException(ApiErrorCode.DENIED, "a robot account cannot create a robot that outlives it");
        }
    }

    private long defaultDuration() {
        return settings.raw("robot_token_duration")
                .filter(JsonNode::isNumber)
                .map(JsonNode::asLong)
                .filter(d -> d == -1 || d > 0)
                .orElse((long) DEFAULT_DURATION_DAYS);
    }

    /** A chosen secret is kept like a password; a generated one, random and long, by its SHA-256. */
    private String stored(String secret, boolean chosen) {
        return chosen ? RobotSecrets.ofChosen(hasher, secret) : RobotSecrets.ofGenerated(secret);
    }

    private static String checkedSecret(String secret) {
        if (!PasswordRules.isStrong(secret)) {
            throw ApiException.badRequest(
                    "the secret must be 8 to 128 characters with at least one upper-case letter, one lower-case letter and one digit");
        }
        return secret;
    }

    private static long idOf(Principal caller) {
        return switch (caller) {
            case Principal.User u -> u.id();
            case Principal.Robot r -> r.id();
            default -> 0;
        };
    }
}
