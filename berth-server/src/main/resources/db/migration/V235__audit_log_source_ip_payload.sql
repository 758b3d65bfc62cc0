-- Where an audited request came from and what it carried, as Harbor 2.13's audit_log_ext keeps them
-- (source_ip, payload): filled for entries imported from Harbor (import-harbor), NULL otherwise. A
-- payload is stored with password, secret and token values masked.
ALTER TABLE audit_log ADD COLUMN source_ip text;
ALTER TABLE audit_log ADD COLUMN payload text;
