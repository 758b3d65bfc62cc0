package dev.berth.audit;

import java.util.Set;

/**
 * The runtime settings that shape the audit trail (Harbor's {@code audit_log_forward_endpoint},
 * {@code skip_audit_log_database} and {@code disabled_audit_log_event_types}). Implemented by the
 * system settings, which the audit package must not depend on.
 */
public interface AuditSettings {
    /** {@code host:port} of a syslog receiver over TCP; empty when audit events are not forwarded. */
    String auditLogForwardEndpoint();

    /** Whether audit events are only forwarded and not written to the database. */
    boolean skipAuditLogDatabase();

    /** Event types ({@code <operation>_<resource_type>}, lower case) that are not recorded at all. */
    Set<String> disabledAuditLogEventTypes();

    /** Nothing forwarded, everything recorded: for code that runs without settings. */
    AuditSettings DEFAULTS = new AuditSettings() {
        @Override
        public String auditLogForwardEndpoint() {
            return "";
        }

        @Override
        public boolean skipAuditLogDatabase() {
            return false;
        }

        @Override
        public Set<String> disabledAuditLogEventTypes() {
            return Set.of();
        }
    };
}
