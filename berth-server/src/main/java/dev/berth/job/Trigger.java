package dev.berth.job;

/** What started an execution, as Harbor names it. */
public enum Trigger {
    MANUAL,
    SCHEDULE,
    EVENT
}
