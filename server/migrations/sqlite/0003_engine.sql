-- Delivery engine: read positions per side, and uploaded files.

ALTER TABLE conversations ADD COLUMN visitor_read_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN agent_read_seq BIGINT NOT NULL DEFAULT 0;

-- An uploaded file. `session_id` (visitor) or `agent_id` names the uploader; a message claims it
-- by setting `conversation_id` + `message_seq` inside the write transaction (once only).
CREATE TABLE attachments (
    id              TEXT PRIMARY KEY NOT NULL,
    session_id      TEXT REFERENCES sessions (id),
    agent_id        TEXT REFERENCES agents (id),
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    storage_name    TEXT NOT NULL UNIQUE,
    conversation_id TEXT REFERENCES conversations (id),
    message_seq     BIGINT,
    position        BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
);
CREATE INDEX attachments_by_message ON attachments (conversation_id, message_seq);

-- How many files a message carries, so reads look up attachments only when there are some.
ALTER TABLE messages ADD COLUMN attachment_count BIGINT NOT NULL DEFAULT 0;
