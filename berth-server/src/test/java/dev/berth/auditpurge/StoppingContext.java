package dev.berth.auditpurge;

import dev.berth.job.JobContext;
import dev.berth.job.JobStoppedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** A job context that asks to stop after a number of {@link #checkStop()} calls, and keeps the log. */
final class StoppingContext implements JobContext {
    private final int checksBeforeStop;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private int checks;

    StoppingContext(int checksBeforeStop) {
        this.checksBeforeStop = checksBeforeStop;
    }

    List<String> lines() {
        return lines;
    }

    @Override
    public long taskId() {
        return -1;
    }

    @Override
    public long executionId() {
        return -1;
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public JsonNode parameters() {
        return JsonNodeFactory.instance.objectNode();
    }

    @Override
    public void log(String line) {
        lines.add(line);
    }

    @Override
    public void checkStop() {
        if (stopRequested()) {
            throw new JobStoppedException();
        }
        checks++;
    }

    @Override
    public boolean stopRequested() {
        return checks >= checksBeforeStop;
    }

    @Override
    public void progress(int percent) {}
}
