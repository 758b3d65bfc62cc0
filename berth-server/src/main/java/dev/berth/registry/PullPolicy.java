package dev.berth.registry;

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
}
