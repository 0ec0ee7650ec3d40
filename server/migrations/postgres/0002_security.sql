-- Identity verification (issue #4). Keep in step with the other backend's 0002_security.sql.
--
-- A project's host-identity secrets: the current one and the previous one, both valid, so a host
-- can rotate without downtime (`parlour-server project rotate-secret`); a third rotation retires
-- the oldest. Stored as the text the host signs with (base64url of 32 random bytes).
ALTER TABLE projects ADD COLUMN identity_secret TEXT;
ALTER TABLE projects ADD COLUMN identity_secret_previous TEXT;

-- Sessions whose end user the host vouched for (a verified JWT or userHash). Only these link a
-- visitor's history across devices; `sessions.external_user_id` is merely what the widget claimed.
CREATE TABLE verified_sessions (
    session_id       TEXT PRIMARY KEY NOT NULL REFERENCES sessions (id),
    project_id       TEXT NOT NULL REFERENCES projects (id),
    external_user_id TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX verified_sessions_by_user ON verified_sessions (project_id, external_user_id);
