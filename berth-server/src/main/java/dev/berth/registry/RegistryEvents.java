package dev.berth.registry;

import dev.berth.event.ArtifactEvent;
import dev.berth.event.EventPublisher;
import dev.berth.event.EventTypes;
import dev.berth.event.RepositoryEvent;
import dev.berth.event.TagEvent;
import dev.berth.storage.Digest;
import java.util.Collection;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The registry's changes as events in the stream, each written inside the transaction of its change
 * (called by {@link ManifestService} before it commits): pushes, artifact and tag deletions,
 * repository deletions. Pulls are written by {@link PullRecorder} with the pull counts.
 */
@Component
class RegistryEvents {
    private final EventPublisher events;
    private final ManifestRecords manifests;
    private final RepositoryRecords repositories;

    RegistryEvents(EventPublisher events, ManifestRecords manifests, RepositoryRecords repositories) {
        this.events = events;
        this.manifests = manifests;
        this.repositories = repositories;
    }

    /** A manifest was pushed (or copied) into the repository with these tags. */
    void pushed(long repositoryId, String repository, Digest digest, String mediaType, Collection<String> tags) {
        RepositoryRecords.Owner owner = repositories.ownerOf(repositoryId);
        events.publish(
                EventTypes.PUSH_ARTIFACT,
                owner.projectId(),
                new ArtifactEvent(repository, digest.toString(), mediaType, List.copyOf(tags), owner.created()));
    }

    /** The artifact is about to be deleted: call before its rows go, while its tags can be read. */
    void deleting(long repositoryId, String repository, long manifestId) {
        RepositoryRecords.Owner owner = repositories.ownerOf(repositoryId);
        manifests
                .describe(manifestId)
                .ifPresent(m -> events.publish(
                        EventTypes.DELETE_ARTIFACT,
                        owner.projectId(),
                        new ArtifactEvent(repository, m.digest(), m.mediaType(), m.tags(), owner.created())));
    }

    /** The repository is about to be deleted: its artifacts first, then itself. */
    void deletingRepository(long repositoryId, String repository) {
        for (long id : manifests.topLevel(repositoryId)) {
            deleting(repositoryId, repository, id);
        }
        events.publish(
                EventTypes.DELETE_REPOSITORY,
                repositories.ownerOf(repositoryId).projectId(),
                new RepositoryEvent(repository));
    }

    void tagCreated(long repositoryId, String repository, String tag, Digest digest) {
        events.publish(
                EventTypes.CREATE_TAG,
                repositories.ownerOf(repositoryId).projectId(),
                new TagEvent(repository, tag, digest.toString()));
    }

    void tagDeleted(long repositoryId, String repository, String tag, String digest) {
        events.publish(
                EventTypes.DELETE_TAG,
                repositories.ownerOf(repositoryId).projectId(),
                new TagEvent(repository, tag, digest));
    }
}
