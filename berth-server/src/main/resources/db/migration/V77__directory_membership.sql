-- The groups a directory (LDAP) user belonged to at their last login, and whether one of them is
-- the administrators' group; trusted until expires_at, after which the user's group rights lapse
-- until the next login resolves them again.
CREATE TABLE directory_membership (
    user_id         bigint PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
    group_ids       bigint[] NOT NULL,
    directory_admin boolean NOT NULL,
    expires_at      timestamptz NOT NULL
);
