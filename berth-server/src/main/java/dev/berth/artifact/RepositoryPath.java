package dev.berth.artifact;

import dev.berth.api.ApiException;
import dev.berth.registry.RepositoryName;
import java.nio.charset.StandardCharsets;
import org.springframework.web.util.UriUtils;

/**
 * Repository names in {@code /api/v2.0/projects/{project}/repositories/{repository_name}} paths.
 * As in Harbor, the name is given without its project and with {@code /} double-encoded
 * ({@code a%252Fb}): the servlet container and Spring decode once (giving {@code a%2Fb}), this
 * decodes again. A single-encoded {@code %2F} never gets this far; the container rejects it.
 */
final class RepositoryPath {
    private RepositoryPath() {}

    /** The full repository name ({@code project/a/b}) for a path variable; 400 if it is not a valid name. */
    static String fullName(String project, String pathVariable) {
        String decoded;
        try {
            decoded = UriUtils.decode(pathVariable, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid repository name");
        }
        String full = project + "/" + decoded;
        if (decoded.isEmpty() || !RepositoryName.isValid(full)) {
            throw ApiException.badRequest("invalid repository name");
        }
        return full;
    }

    /** The name without its project, as Harbor's paths take it. */
    static String withinProject(String fullName) {
        int slash = fullName.indexOf('/');
        return slash < 0 ? fullName : fullName.substring(slash + 1);
    }

    /** The path segment Harbor's links use for a repository: its name within the project, double-encoded. */
    static String segment(String fullName) {
        return withinProject(fullName).replace("/", "%252F");
    }
}
