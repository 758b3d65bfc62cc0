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
        PULL("pull", "pull"),
        PUSH("pull,push", "push"),
        DELETE("delete", "delete");

        final String scopeActions;
        /** The action Harbor names in its refusal. */
        final String action;

        Need(String scopeActions, String action) {
            this.scopeActions = scopeActions;
            this.action = action;
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
            throw denied(request, principal, "registry:catalog:*", "unauthorized to list catalog");
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
            throw denied(request, principal, scope, repositoryRefusal(request, principal, repository, need));
        }
        if (!allowed(principal, project.get(), repository, need)) {
            throw denied(request, principal, scope, repositoryRefusal(request, principal, repository, need));
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

    /**
     * Harbor's reason for refusing a repository request (its {@code v2auth} middleware), which
     * docker prints after {@code unauthorized:}.
     */
    private static String repositoryRefusal(
            HttpServletRequest request, Principal principal, String repository, Need need) {
        if (principal instanceof Principal.Anonymous
                && request.getHeader("Authorization") == null
                && (request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))) {
            return "authorize header needed to send HEAD to repository";
        }
        return "unauthorized to access repository: " + repository + ", action: " + need.action;
    }

    /**
     * A refusal worded as Harbor's: its reason twice, as Harbor's error prints its message and then
     * its cause, which are the same text ({@code unauthorized to access repository: r, action: push:
     * unauthorized to access repository: r, action: push}). Anonymous callers and token holders get
     * 401 with a challenge (a token holder's says {@code insufficient_scope}); users who sent Basic
     * credentials 403.
     */
    private RegistryException denied(HttpServletRequest request, Principal principal, String scope, String reason) {
        String message = reason + ": " + reason;
        if (principal instanceof Principal.Anonymous || principal instanceof Principal.TokenHolder) {
            return challenge(request, scope, message);
        }
        return RegistryException.of(ErrorCode.DENIED, message);
    }

    private RegistryException challenge(HttpServletRequest request, String scope, String message) {
        String header = externalUrl.bearerChallenge(request, scope);
        if (scope != null && Principals.of(request) instanceof Principal.TokenHolder) {
            header += ",error=\"insufficient_scope\"";
        }
        return new RegistryException(ErrorCode.UNAUTHORIZED, 401, message, null, Map.of("WWW-Authenticate", header));
    }
}
