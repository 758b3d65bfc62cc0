-- Harbor keeps the OIDC tokens of a portal session in the session, so that signing out
-- (oidc_logout) can send the provider's end_session_endpoint the session's ID token as
-- id_token_hint. Berth's sessions are rows: the ID token of a session signed in through the
-- provider, sealed with Berth's key; NULL for any other session.
ALTER TABLE web_session ADD COLUMN provider_token text;
