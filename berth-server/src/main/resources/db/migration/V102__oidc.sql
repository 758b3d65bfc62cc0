-- Users onboarded through an OpenID Connect provider: who they are at the provider (subject and
-- issuer, as Harbor's subiss), their CLI secret and their provider tokens (refresh token, and when
-- the access token expires), both sealed with Berth's key (crypto/SecretBox); never shown but the
-- secret to the user themself.
CREATE TABLE oidc_user (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL UNIQUE REFERENCES app_user (id) ON DELETE CASCADE,
    subiss        text NOT NULL UNIQUE,
    secret        text NOT NULL,
    token         text NOT NULL,
    checked_at    timestamptz NOT NULL,
    creation_time timestamptz NOT NULL DEFAULT now(),
    update_time   timestamptz NOT NULL DEFAULT now()
);

-- A sign-in through the provider in progress: what /c/oidc/login sent (state, nonce, the PKCE
-- verifier, where to go after) until /c/oidc/callback comes back, then, for a user not onboarded
-- yet, what the provider said until /c/oidc/onboard names them. Found by a random id held in an
-- HttpOnly cookie; used once; expires after a few minutes.
CREATE TABLE oidc_flow (
    id            text PRIMARY KEY,
    state         text NOT NULL,
    nonce         text NOT NULL,
    verifier      text NOT NULL,
    redirect_url  text NOT NULL,
    identity      text,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX oidc_flow_expires ON oidc_flow (expires_at);
