package dev.berth.event;

/** The events the core writes, with Harbor's topic names; the data record each carries is named. */
public final class EventTypes {
    private EventTypes() {}

    /** A manifest was pushed (also again, with new tags): {@link ArtifactEvent}. */
    public static final EventType PUSH_ARTIFACT = EventType.of("PUSH_ARTIFACT");

    /** A manifest was pulled: {@link ArtifactEvent}, written with the pull counts, in batches. */
    public static final EventType PULL_ARTIFACT = EventType.of("PULL_ARTIFACT");

    /** An artifact was deleted (with its tags): {@link ArtifactEvent}. */
    public static final EventType DELETE_ARTIFACT = EventType.of("DELETE_ARTIFACT");

    /** A tag was added to an existing artifact through the API: {@link TagEvent}. */
    public static final EventType CREATE_TAG = EventType.of("CREATE_TAG");

    /** A tag was deleted, the artifact kept: {@link TagEvent}. */
    public static final EventType DELETE_TAG = EventType.of("DELETE_TAG");

    /** {@link ProjectEvent}. */
    public static final EventType CREATE_PROJECT = EventType.of("CREATE_PROJECT");

    /** {@link ProjectEvent}; written after the events of everything deleted with the project. */
    public static final EventType DELETE_PROJECT = EventType.of("DELETE_PROJECT");

    /** {@link RepositoryEvent}; written after a DELETE_ARTIFACT for each artifact it held. */
    public static final EventType DELETE_REPOSITORY = EventType.of("DELETE_REPOSITORY");

    /** A change took the project's storage past the warning share of its limit: {@link QuotaEvent}. */
    public static final EventType QUOTA_WARNING = EventType.of("QUOTA_WARNING");

    /** A push was refused for the project's storage limit: {@link QuotaEvent}. */
    public static final EventType QUOTA_EXCEED = EventType.of("QUOTA_EXCEED");
}
