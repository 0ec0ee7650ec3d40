//! Project lookups for session init (the project and its pre-chat form), cached for a few
//! seconds so a burst of inits does not read the same rows thousands of times (changes show up
//! within the TTL).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use parlour_shared::session::PreChat;
use parlour_shared::ProjectId;
use sqlx::AnyPool;

use crate::db::contact;
use crate::db::projects::{self, Project};
use crate::db::DbError;

const TTL: Duration = Duration::from_secs(5);
/// Past this many entries the cache starts over (unknown ids are cached too).
const MAX_ENTRIES: usize = 10_000;

/// Lookups by project, each remembered with the time it was made.
#[derive(Debug)]
struct TtlMap<V> {
    entries: Mutex<HashMap<ProjectId, (Instant, V)>>,
}

impl<V> Default for TtlMap<V> {
    fn default() -> Self {
        Self { entries: Mutex::new(HashMap::new()) }
    }
}

impl<V: Clone> TtlMap<V> {
    /// The value looked up less than [`TTL`] before `now`.
    fn fresh(&self, id: &ProjectId, now: Instant) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(id).filter(|(at, _)| now.duration_since(*at) < TTL).map(|(_, value)| value.clone())
    }

    fn store(&self, id: &ProjectId, now: Instant, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(id.clone(), (now, value));
    }
}

/// A short-lived cache of projects (including "no such project") and of their pre-chat forms.
#[derive(Debug, Default)]
pub struct ProjectCache {
    projects: TtlMap<Option<Arc<Project>>>,
    pre_chats: TtlMap<Option<Arc<PreChat>>>,
}

impl ProjectCache {
    /// The project, from the cache when fresh, else from the database.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub async fn get(&self, pool: &AnyPool, id: &ProjectId) -> Result<Option<Arc<Project>>, DbError> {
        let now = Instant::now();
        if let Some(project) = self.projects.fresh(id, now) {
            return Ok(project);
        }
        let project = projects::find(pool, id).await?.map(Arc::new);
        self.projects.store(id, now, project.clone());
        Ok(project)
    }

    /// The project's pre-chat form (on or off), if it has one: from the cache when fresh, else
    /// from the database. Every session init asks, so it is cached like the project itself.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub async fn pre_chat(&self, pool: &AnyPool, id: &ProjectId) -> Result<Option<Arc<PreChat>>, DbError> {
        let now = Instant::now();
        if let Some(form) = self.pre_chats.fresh(id, now) {
            return Ok(form);
        }
        let form = contact::pre_chat(pool, id).await?.map(Arc::new);
        self.pre_chats.store(id, now, form.clone());
        Ok(form)
    }
}
