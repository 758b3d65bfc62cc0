package dev.berth.event;

/** The data of {@link EventTypes#DELETE_REPOSITORY}. */
public record RepositoryEvent(String repository) {}
