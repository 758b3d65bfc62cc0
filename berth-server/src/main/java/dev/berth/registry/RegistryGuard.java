package dev.berth.registry;

import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.ExternalUrl;
import dev.berth.iam.Principal;
import dev.berth.iam.Principals;
import dev.berth.iam.ProjectScope;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides whether the caller may do what a {@code /v2/} request asks. Registry tokens are judged by
 * their own grants (no database round trip beyond the cached project lookup); Basic credentials
 * and anonymous callers by the {@link Authorizer}. Every repository lives in a project, named by its
 * first path component; a push into a project that does not exist is refused.
 */
@Component
class RegistryGuard {
    enum Need {
        PULL("pull"),
        PUSH("pull,push"),
        DELETE("delete");

        final String scopeActions;

        Need(String scopeActions) {
            this.scopeActions = scopeActions;
        }
    }

    private final Authorizer authorizer;
    private final ExternalUrl externalUrl;

    RegistryGuard(Authorizer authorizer, ExternalUrl externalUrl) {
        this.authorizer = authorizer;
        this.externalUrl = externalUrl;
    }

    /** {@code GET /v2/}: any authenticated caller; anonymous callers are told where to get a token. */
    void checkBase(HttpServletRequest request) {
        if (!Principals.of(request).isAuthenticated()) {
            throw challenge(request, null, "authentication required");
        }
    }

    void checkCatalog(HttpServletRequest request) {
        Principal principal = Principals.of(request);
        boolean ok = principal instanceof Principal.TokenHolder t
                ? t.token().grants("registry", "catalog", "*", 0)
                : authorizer.allowedSystem(principal, Resource.CATALOG, Action.READ);
        if (!ok) {
            throw denied(request, principal, "registry:catalog:*");
        }
    }

    void check(HttpServletRequest request, String repository, Need need) {
        Principal principal = Principals.of(request);
        Optional<ProjectScope> project = authorizer.project(projectOf(repository));
        String scope = "repository:" + repository + ":" + need.scopeActions;
        if (project.isEmpty()) {
            if (principal.isSysadmin()) {
                throw RegistryException.withDetail(
                        ErrorCode.NAME_UNKNOWN,
                        "project " + projectOf(repository) + " not found",
                        Map.of("name", repository));
            }
            throw denied(request, principal, scope);
        }
        if (!allowed(principal, project.get(), repository, need)) {
            throw denied(request, principal, scope);
        }
    }

    /** Whether a cross-repository mount may read from {@code from}; a no is not an error. */
    boolean mayPull(HttpServletRequest request, String from) {
        Principal principal = Principals.of(request);
        return authorizer
                .project(projectOf(from))
                .map(p -> allowed(principal, p, from, Need.PULL))
                .orElse(false);
    }

    private boolean allowed(Principal principal, ProjectScope project, String repository, Need need) {
        if (principal instanceof Principal.TokenHolder t) {
            return switch (need) {
                case PULL -> t.token().grants("repository", repository, "pull", project.id());
                case PUSH -> t.token().grants("repository", repository, "push", project.id());
                case DELETE -> t.token().grants("repository", repository, "delete", project.id());
            };
        }
        return switch (need) {
            case PULL -> authorizer.allowed(principal, project, Resource.REPOSITORY, Action.PULL);
            case PUSH -> authorizer.allowed(principal, project, Resource.REPOSITORY, Action.PUSH);
            case DELETE -> authorizer.allowed(principal, project, Resource.ARTIFACT, Action.DELETE);
        };
    }

    static String projectOf(String repository) {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(0, slash);
    }

    private RegistryException denied(HttpServletRequest request, Principal principal, String scope) {
        if (principal instanceof Principal.Anonymous || principal instanceof Principal.TokenHolder) {
            return challenge(request, scope, "authentication required");
        }
        return RegistryException.of(ErrorCode.DENIED, "requested access to the resource is denied");
    }

    private RegistryException challenge(HttpServletRequest request, String scope, String message) {
        String header = externalUrl.bearerChallenge(request, scope);
        if (scope != null && Principals.of(request) instanceof Principal.TokenHolder) {
            header += ",error=\"insufficient_scope\"";
        }
        return new RegistryException(ErrorCode.UNAUTHORIZED, 401, message, null, Map.of("WWW-Authenticate", header));
    }
}
