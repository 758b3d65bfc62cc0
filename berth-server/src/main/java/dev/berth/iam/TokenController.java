package dev.berth.iam;

import jakarta.servlet.http.HttpServletRequest;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The registry token service ({@code GET /service/token}), as Docker clients expect it: the caller
 * authenticates with Basic credentials or not at all, asks for scopes, and gets a signed token
 * granting exactly the requested actions it holds, possibly none. What the token says about a
 * repository the caller may do nothing with is the same whether its project exists or not.
 */
@RestController
class TokenController {
    private static final Pattern NAME =
            Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    private final TokenIssuer issuer;
    private final Authorizer authorizer;
    private final ExternalUrl externalUrl;
    private final CredentialStamps stamps;

    /**
     * The proxy cache's registry-mirror project ({@code berth.proxy-cache.mirror-project}); empty
     * for none. A mirror client asks for {@code repository:library/nginx:pull}, and the registry may
     * answer that pull from {@code <mirror>/library/nginx} (when no local repository has the name),
     * so a pull scope is also granted on that name, as far as the mirror project allows pulls.
     */
    private final String mirrorProject;

    TokenController(
            TokenIssuer issuer,
            Authorizer authorizer,
            ExternalUrl externalUrl,
            CredentialStamps stamps,
            @org.springframework.beans.factory.annotation.Value("${berth.proxy-cache.mirror-project:}")
                    String mirrorProject) {
        this.mirrorProject = mirrorProject;
        this.stamps = stamps;
        this.issuer = issuer;
        this.authorizer = authorizer;
        this.externalUrl = externalUrl;
    }

    @GetMapping(path = "/service/token", produces = "application/json")
    ResponseEntity<Map<String, Object>> token(
            HttpServletRequest request, @RequestParam(name = "service", required = false) String service) {
        // Read raw: a List<String> parameter would split "pull,push" at the comma.
        String[] scopes = request.getParameterValues("scope");
        if (service != null && !service.isEmpty() && !service.equals(externalUrl.service())) {
            return ResponseEntity.badRequest()
                    .body(Map.of(
                            "errors", List.of(Map.of("code", "BAD_REQUEST", "message", "unknown service " + service))));
        }
        // A registry token never reaches here: bearer tokens are refused everywhere but /v2/.
        Principal principal = Principals.of(request);
        List<RegistryAccess> access = new ArrayList<>();
        if (scopes != null) {
            for (String param : scopes) {
                for (String scope : param.trim().split("\\s+")) {
                    if (!scope.isEmpty()) {
                        grant(principal, scope).ifPresent(access::add);
                        mirrorGrant(principal, scope).ifPresent(access::add);
                    }
                }
            }
        }
        TokenIssuer.Issued issued = issuer.issue(
                principal.isAuthenticated() ? principal.name() : "",
                stamps.bindingOf(principal),
                externalUrl.service(),
                access);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", issued.token());
        body.put("access_token", issued.token());
        body.put("expires_in", issued.expiresIn().toSeconds());
        body.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(issued.issuedAt()));
        return ResponseEntity.ok().header("Cache-Control", "no-store").body(body);
    }

    /** The pull of {@code <mirror>/<name>} that a pull scope on a project-less name also needs. */
    private Optional<RegistryAccess> mirrorGrant(Principal principal, String scope) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (mirrorProject.isEmpty() || first <= 0 || last <= first || !scope.startsWith("repository:")) {
            return Optional.empty();
        }
        String name = scope.substring(first + 1, last);
        Set<String> requested = Set.of(scope.substring(last + 1).split(","));
        if (name.startsWith(mirrorProject + "/") || !(requested.contains("pull") || requested.contains("*"))) {
            return Optional.empty();
        }
        return grant(principal, "repository:" + mirrorProject + "/" + name + ":pull")
                .filter(a -> !a.actions().isEmpty());
    }

    /** What of {@code type:name:actions} the principal holds; empty for a malformed scope. */
    private Optional<RegistryAccess> grant(Principal principal, String scope) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first <= 0 || last <= first) {
            return Optional.empty();
        }
        String type = scope.substring(0, first);
        String name = scope.substring(first + 1, last);
        Set<String> requested =
                new LinkedHashSet<>(List.of(scope.substring(last + 1).split(",")));
        if (type.equals("registry") && name.equals("catalog")) {
            Set<String> granted =
                    authorizer.allowedSystem(principal, Resource.CATALOG, Action.READ) ? Set.of("*") : Set.of();
            return Optional.of(new RegistryAccess(type, name, requested.contains("*") ? granted : Set.of(), 0));
        }
        if (!type.equals("repository") || !NAME.matcher(name).matches() || name.length() > 255) {
            return Optional.empty();
        }
        String projectName = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
        Optional<ProjectScope> project = authorizer.project(projectName);
        if (project.isEmpty()) {
            return Optional.of(new RegistryAccess(type, name, Set.of(), 0));
        }
        Set<String> granted = new LinkedHashSet<>();
        for (String action : requested.contains("*") ? Set.of("pull", "push", "delete") : requested) {
            boolean ok = switch (action) {
                case "pull" -> authorizer.allowed(principal, project.get(), Resource.REPOSITORY, Action.PULL);
                case "push" -> authorizer.allowed(principal, project.get(), Resource.REPOSITORY, Action.PUSH);
                case "delete" -> authorizer.allowed(principal, project.get(), Resource.ARTIFACT, Action.DELETE);
                default -> false;
            };
            if (ok) {
                granted.add(action);
            }
        }
        return Optional.of(new RegistryAccess(type, name, granted, project.get().id()));
    }
}
