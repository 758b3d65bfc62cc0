package dev.berth.robot;

import dev.berth.api.ApiException;
import dev.berth.iam.Action;
import dev.berth.iam.PasswordRules;
import dev.berth.iam.Resource;
import dev.berth.iam.RobotSecrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Robot accounts brought from elsewhere (Harbor's {@code robot} with its {@code role_permission}
 * grants): created with the same name, level, description, state, lifetime and every permission
 * Berth can grant a robot, and a <b>new</b> secret — Harbor keeps only a salted hash of its robots'
 * secrets, so none can be carried. The secret is returned once, for the import report.
 */
@Service
public class RobotImport {
    private final RobotStore store;

    RobotImport(RobotStore store) {
        this.store = store;
    }

    /**
     * One grant as Harbor stores it: {@code kind} "system" or "project"; for a project grant the
     * Berth project's id and name, or 0 and "*" for every project.
     */
    public record Permission(String kind, long projectId, String projectName, String resource, String action) {}

    public sealed interface Result {
        /** Created; {@code dropped} lists the grants Berth cannot give a robot, by Harbor's names. */
        record Created(long id, String secret, List<String> dropped) implements Result {}

        record Existing(long id) implements Result {}

        record Refused(String reason) implements Result {}
    }

    /** Whether a robot of this name exists at this level (0: system). */
    public Optional<Long> existing(String name, long projectId) {
        return store.idOf(name, projectId);
    }

    /**
     * Creates the robot unless one of its name exists at its level. {@code expiresAt} is Harbor's
     * (epoch seconds, -1 for never), kept as it was: an imported robot lives as long as it did.
     */
    public Result create(
            String name,
            long projectId,
            String description,
            boolean disabled,
            long duration,
            long expiresAt,
            List<Permission> permissions,
            String creatorRef) {
        Optional<Long> existing = store.idOf(name, projectId);
        if (existing.isPresent()) {
            return new Result.Existing(existing.get());
        }
        try {
            RobotRequest.validateName(name);
        } catch (ApiException e) {
            return new Result.Refused(e.getMessage());
        }
        List<RobotStore.StoredGrant> grants = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (Permission p : permissions) {
            Optional<Resource> resource = Resource.of(p.resource());
            Optional<Action> action = Action.of(p.action());
            boolean systemGrant = p.kind().equals("system");
            if (resource.isEmpty()
                    || action.isEmpty()
                    || (systemGrant && projectId != 0)
                    || !AssignablePermissions.assignable(p.kind(), resource.get(), action.get())) {
                dropped.add(p.kind() + " " + p.resource() + ":" + p.action());
                continue;
            }
            String namespace = systemGrant ? "/" : p.projectId() == 0 ? "*" : p.projectName();
            grants.add(new RobotStore.StoredGrant(
                    p.kind(), namespace, systemGrant ? 0 : p.projectId(), resource.get(), action.get()));
        }
        if (grants.isEmpty() && !permissions.isEmpty()) {
            return new Result.Refused("none of its permissions can be granted to a robot in Berth: " + dropped);
        }
        String secret = PasswordRules.generate(RobotService.SECRET_LENGTH);
        try {
            long id = store.insert(
                    name,
                    projectId,
                    description == null ? "" : description,
                    RobotSecrets.ofGenerated(secret),
                    disabled,
                    duration == 0 ? -1 : duration,
                    expiresAt,
                    "local",
                    creatorRef,
                    grants);
            return new Result.Created(id, secret, List.copyOf(dropped));
        } catch (ApiException e) {
            return new Result.Refused(e.getMessage());
        }
    }
}
