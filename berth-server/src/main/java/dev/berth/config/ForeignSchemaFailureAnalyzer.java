package dev.berth.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints {@link ForeignSchemaCheck}'s refusal as Spring Boot's "APPLICATION FAILED TO START" report. */
class ForeignSchemaFailureAnalyzer extends AbstractFailureAnalyzer<ForeignSchemaCheck.ForeignSchemaException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ForeignSchemaCheck.ForeignSchemaException cause) {
        return new FailureAnalysis(
                cause.getMessage(), "Give Berth an empty database of its own. Nothing was written to this one.", cause);
    }
}
