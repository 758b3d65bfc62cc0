package dev.berth.event;

/** The data of {@link EventTypes#CREATE_TAG} and {@link EventTypes#DELETE_TAG}. */
public record TagEvent(String repository, String tag, String digest) {}
