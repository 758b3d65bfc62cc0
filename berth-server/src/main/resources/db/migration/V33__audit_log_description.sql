-- What an audited change changed (Harbor's operation_description of /auditlog-exts): for instance
-- "role: developer → maintainer" when a member's role changes. NULL where the entry says no more
-- than its operation and resource (every entry written before this column existed, and most others).
ALTER TABLE audit_log ADD COLUMN operation_description text;
