-- Visitor contact details and the pre-chat form (issue #3). Keep in step with the other
-- backend's 0004_contact.sql.
--
-- What a visitor told us (pre-chat form, `POST /v1/widget/contact`) or the host page passed at
-- init (`boot({name, email})`), one row per session. `fields` is a JSON object of the project's
-- pre-chat field keys to values. `name_verified` / `email_verified` = 1 when the value came from
-- a verified identity token's `user_data`: the visitor's own claims never replace those.
CREATE TABLE session_contacts (
    session_id     TEXT PRIMARY KEY NOT NULL REFERENCES sessions (id),
    project_id     TEXT NOT NULL REFERENCES projects (id),
    name           TEXT,
    email          TEXT,
    fields         TEXT NOT NULL DEFAULT '{}',
    name_verified  INTEGER NOT NULL DEFAULT 0,
    email_verified INTEGER NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL
);

-- A project's pre-chat form (`parlour-server project set --pre-chat-json`), as the JSON of
-- `parlour_shared::session::PreChat`. No row = no form.
CREATE TABLE project_pre_chat (
    project_id TEXT PRIMARY KEY NOT NULL REFERENCES projects (id),
    config     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
