package dev.berth.event;

/** The data of {@link EventTypes#CREATE_PROJECT} and {@link EventTypes#DELETE_PROJECT}. */
public record ProjectEvent(String name) {}
