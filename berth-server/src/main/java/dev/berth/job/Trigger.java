package dev.berth.job;

/** What started an execution, as Harbor names it ({@code MANUAL}, the execution's {@code trigger}). */
public enum Trigger {
    MANUAL("Manual"),
    SCHEDULE("Schedule"),
    EVENT("Event");

    private final String scheduleType;

    Trigger(String scheduleType) {
        this.scheduleType = scheduleType;
    }

    /**
     * The trigger as a {@code ScheduleObj.type} of a job history entry: Harbor title-cases it there
     * ({@code Manual}, {@code Schedule}), the swagger's enum, while {@code job_kind} keeps {@code
     * MANUAL}.
     */
    public String scheduleType() {
        return scheduleType;
    }
}
