-- Satisfaction ratings: one per conversation (rating again overwrites), given by the visitor
-- once the conversation is closed.
CREATE TABLE conversation_ratings (
    conversation_id TEXT PRIMARY KEY NOT NULL REFERENCES conversations (id),
    score           BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment         TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
