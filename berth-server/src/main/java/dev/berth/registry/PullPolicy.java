package dev.berth.registry;

import dev.berth.iam.Principal;
import dev.berth.iam.Principals;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The registry's one extension point on the pull path: features above the core (vulnerability
 * prevention, signature enforcement) refuse a manifest before any byte of it is sent. Every
 * manifest GET and HEAD asks, by tag or by digest, so an index's children (pulled by digest) are
 * asked about one by one.
 *
 * <p>An implementation reads rows it precomputed (a stored scan report); it never calls out to
 * another service while a client waits.
 */
public interface PullPolicy {
    /**
     * Refuses the pull by throwing a {@link RegistryException} (Harbor sends 412
     * {@code PROJECTPOLICYVIOLATION}); returns normally to allow it.
     *
     * @param repository the repository's full name ({@code project/path})
     * @param manifestId the artifact's id
     */
    void check(HttpServletRequest request, String repository, long manifestId, String mediaType);

    /**
     * Whether this policy may refuse pulls from the repository at all (its project has it
     * switched on). A pull that no policy guards may be answered before the artifact is stored
     * (a proxy cache's first pull); a guarded one waits for the stored artifact, which the policy
     * then judges.
     */
    default boolean guards(String repository) {
        return true;
    }

    /** The project a repository's full name ({@code project/path}) belongs to. */
    static String projectOf(String repository) {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(0, slash);
    }

    /** Whether the caller holds a registry token granting {@code action} on this repository. */
    static boolean tokenGrants(HttpServletRequest request, String repository, String action) {
        return Principals.of(request) instanceof Principal.TokenHolder t
                && t.token().grants("repository", repository, action, 0);
    }
}
