package dev.berth.preheat;

import dev.berth.job.Executions;
import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.Schedules;
import dev.berth.job.Trigger;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a preheat policy's schedule fires (Harbor's scheduler callback): enforces the policy as a
 * {@code P2P_PREHEAT} execution with trigger {@code SCHEDULE}. The launcher's own execution keeps
 * the id of the execution it started, written in the same transaction, so a retried launcher does
 * not start a second one.
 */
@Component
class PreheatScheduleLauncher implements JobKind {
    static final String NAME = "P2P_PREHEAT_SCHEDULE";
    private static final String STARTED = "preheat_execution";

    private final PolicyRecords policies;
    private final Policies service;
    private final ObjectProvider<Executions> executions;
    private final ObjectProvider<Schedules> schedules;
    private final TransactionTemplate tx;

    PreheatScheduleLauncher(
            PolicyRecords policies,
            Policies service,
            ObjectProvider<Executions> executions,
            ObjectProvider<Schedules> schedules,
            TransactionTemplate tx) {
        this.policies = policies;
        this.service = service;
        this.executions = executions;
        this.schedules = schedules;
        this.tx = tx;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int maxAttempts() {
        return 1;
    }

    @Override
    public void run(JobContext context) {
        long policyId = context.parameters().path("policy_id").asLong();
        Optional<PreheatPolicy> policy = policies.find(policyId);
        if (policy.isEmpty()) {
            context.log("preheat policy " + policyId + " no longer exists; its schedule is removed");
            schedules.getObject().delete(NAME, policyId);
            return;
        }
        Executions jobs = executions.getObject();
        Object before = jobs.execution(context.executionId())
                .map(e -> e.extraAttrs().get(STARTED))
                .orElse(null);
        if (before != null) {
            context.log("execution " + before + " was started by an earlier attempt");
            return;
        }
        service.checkProvider(policy.get());
        Long started = tx.execute(status -> {
            long id = service.enforce(policy.get(), Trigger.SCHEDULE);
            jobs.recordAttributes(context.executionId(), Map.of(STARTED, id));
            return id;
        });
        context.log("started preheat execution " + started + " of policy "
                + policy.get().name());
    }
}
