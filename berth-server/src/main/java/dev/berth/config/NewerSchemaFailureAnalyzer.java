package dev.berth.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints {@link SchemaVersionGuard}'s refusal as Spring Boot's "APPLICATION FAILED TO START"
 * report, without the stack trace an operator would otherwise have to read through.
 */
class NewerSchemaFailureAnalyzer extends AbstractFailureAnalyzer<SchemaVersionGuard.NewerSchemaException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SchemaVersionGuard.NewerSchemaException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Run the Berth version that migrated this database, or restore the backup taken before the"
                        + " upgrade. Berth does not downgrade a schema.",
                cause);
    }
}
