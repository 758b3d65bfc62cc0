package dev.berth.job;

/** Harbor's statuses of tasks and executions, with their wire names. */
public enum TaskStatus {
    PENDING("Pending"),
    RUNNING("Running"),
    STOPPED("Stopped"),
    ERROR("Error"),
    SUCCESS("Success");

    private final String wire;

    TaskStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean isFinal() {
        return this == STOPPED || this == ERROR || this == SUCCESS;
    }

    public static TaskStatus of(String wire) {
        for (TaskStatus s : values()) {
            if (s.wire.equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status " + wire);
    }
}
