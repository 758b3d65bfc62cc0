package dev.berth.event;

/**
 * The data of {@link EventTypes#QUOTA_WARNING} and {@link EventTypes#QUOTA_EXCEED}.
 *
 * @param repository where the push went
 * @param tag the tag pushed, or empty
 * @param digest the blob or manifest whose bytes crossed the line, or empty
 * @param message the limit and usage in words
 */
public record QuotaEvent(String repository, String tag, String digest, String message, long used, long limit) {}
