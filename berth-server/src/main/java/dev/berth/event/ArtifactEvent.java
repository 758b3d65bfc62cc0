package dev.berth.event;

import java.time.Instant;
import java.util.List;

/**
 * The data of {@link EventTypes#PUSH_ARTIFACT}, {@link EventTypes#PULL_ARTIFACT} and
 * {@link EventTypes#DELETE_ARTIFACT}.
 *
 * @param repository the full name, project first ({@code library/nginx})
 * @param tags for a push the tags it set, for a pull the tag it named (none when pulled by
 *     digest), for a delete the tags the artifact had
 * @param repositoryCreated when the repository was created (Harbor's {@code date_created})
 */
public record ArtifactEvent(
        String repository, String digest, String mediaType, List<String> tags, Instant repositoryCreated) {
    public ArtifactEvent {
        tags = List.copyOf(tags);
    }
}
