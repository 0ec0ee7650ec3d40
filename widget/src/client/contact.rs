//! The pre-chat form's side of the engine: which form to show (from the stored init answer,
//! minus what `boot({name, email})` already gave) and sending the visitor's answers with
//! `POST /v1/widget/contact`.

use leptos::prelude::{Set, WithUntracked};
use leptos::task::spawn_local;
use parlour_shared::rest::ContactRequest;

use super::Client;
use crate::transport::http::{self, HttpError};

impl Client {
    /// Shows the pre-chat form when the visitor still has to fill it, hides it otherwise.
    pub(super) fn refresh_pre_chat(&self) {
        let form = {
            let identity = self.hooks.identity.borrow();
            self.inner.borrow().stored.pending_form(|key| match key {
                "name" => identity.name.is_some(),
                "email" => identity.email.is_some(),
                _ => false,
            })
        };
        // Only on a change: setting it re-renders the panel's bottom, and a composer rebuilt
        // under the visitor's fingers would drop what they were typing.
        if self.signals.pre_chat.with_untracked(|shown| *shown != form) {
            self.signals.pre_chat.set(form);
        }
    }

    /// Sends the form's answers (with the name and email the host page gave), then `done` with
    /// the outcome; on success the form is not shown again for this session.
    pub fn submit_contact(
        &self,
        mut request: ContactRequest,
        done: impl FnOnce(Result<(), HttpError>) + 'static,
    ) {
        {
            let identity = self.hooks.identity.borrow();
            request.name = request.name.or_else(|| identity.name.clone());
            request.email = request.email.or_else(|| identity.email.clone());
        }
        let session = self
            .inner
            .borrow()
            .stored
            .session
            .as_ref()
            .map(|s| (s.session_id, s.token.clone()));
        let Some((session_id, token)) = session else {
            return done(Err(HttpError::Network));
        };
        let base = self.config.api_base.clone();
        let me = self.me.clone();
        spawn_local(async move {
            let outcome = http::save_contact(&base, &token, &request).await;
            if let (Ok(()), Some(client)) = (&outcome, me.upgrade()) {
                client.inner.borrow_mut().stored.contact_for = Some(session_id);
                // The away card does not ask again for an email the form already gave.
                if let Some(email) = request.email.clone() {
                    client.remember_email(email);
                }
                client.persist();
                client.signals.pre_chat.set(None);
            }
            done(outcome);
        });
    }
}
