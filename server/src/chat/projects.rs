//! Project lookups for session init, cached for a few seconds so a burst of inits does not
//! read the same rows thousands of times (changes show up within the TTL).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use parlour_shared::ProjectId;
use sqlx::AnyPool;

use crate::db::projects::{self, Project};
use crate::db::DbError;

const TTL: Duration = Duration::from_secs(5);
/// Past this many entries the cache starts over (unknown ids are cached too).
const MAX_ENTRIES: usize = 10_000;

/// A cached lookup: when it was made, and the project (or `None`: no such project).
type Entry = (Instant, Option<Arc<Project>>);

/// A short-lived cache of projects, including "no such project".
#[derive(Debug, Default)]
pub struct ProjectCache {
    entries: Mutex<HashMap<ProjectId, Entry>>,
}

impl ProjectCache {
    /// The project, from the cache when fresh, else from the database.
    ///
    /// # Errors
    /// [`DbError`] on a database failure.
    pub async fn get(&self, pool: &AnyPool, id: &ProjectId) -> Result<Option<Arc<Project>>, DbError> {
        let now = Instant::now();
        if let Some((at, project)) = self.entries.lock().unwrap_or_else(PoisonError::into_inner).get(id)
            && now.duration_since(*at) < TTL
        {
            return Ok(project.clone());
        }
        let project = projects::find(pool, id).await?.map(Arc::new);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(id.clone(), (now, project.clone()));
        Ok(project)
    }
}
