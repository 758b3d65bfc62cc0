-- Advanced whenever a password, a robot, a user's rights or a project's robots change, on whichever
-- replica: every replica re-checks the Basic credentials it remembered under an older value, so a
-- changed password or a deleted robot stops working everywhere at once (iam.CredentialEpoch).
CREATE SEQUENCE credential_epoch;
