-- The walking skeleton's schema (SQLite). Ids are TEXT (UUIDs or slugs), times BIGINT Unix ms,
-- flags INTEGER 0/1, JSON documents TEXT. Keep in step with ../postgres/0001_init.sql.

CREATE TABLE projects (
    id              TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    allowed_domains TEXT NOT NULL DEFAULT '[]',
    identity_mode   TEXT NOT NULL DEFAULT 'off',
    created_at      BIGINT NOT NULL
);

CREATE TABLE project_configs (
    project_id  TEXT NOT NULL REFERENCES projects (id),
    version     BIGINT NOT NULL,
    theme       TEXT NOT NULL,
    ui_hints    TEXT NOT NULL,
    features    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (project_id, version)
);

CREATE TABLE sessions (
    id                 TEXT PRIMARY KEY NOT NULL,
    project_id         TEXT NOT NULL REFERENCES projects (id),
    widget_instance_id TEXT NOT NULL,
    external_user_id   TEXT,
    page_url           TEXT,
    host_origin        TEXT,
    user_agent         TEXT,
    locale             TEXT,
    status             TEXT NOT NULL DEFAULT 'ACTIVE',
    config_version     BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    last_seen_at       BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL
);

CREATE TABLE conversations (
    id          TEXT PRIMARY KEY NOT NULL,
    project_id  TEXT NOT NULL REFERENCES projects (id),
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    status      TEXT NOT NULL DEFAULT 'open',
    last_seq    BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX conversations_by_session ON conversations (session_id, created_at);
CREATE INDEX conversations_by_activity ON conversations (status, updated_at);

CREATE TABLE messages (
    id                TEXT PRIMARY KEY NOT NULL,
    conversation_id   TEXT NOT NULL REFERENCES conversations (id),
    seq               BIGINT NOT NULL,
    client_message_id TEXT,
    author_kind       TEXT NOT NULL,
    author_name       TEXT,
    body              TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    UNIQUE (conversation_id, seq),
    UNIQUE (conversation_id, client_message_id)
);

CREATE TABLE agents (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL
);

CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
