//! The batching writer: every write (session insert, message append, agent reply) is queued to
//! one task, which drains its queue and commits everything waiting in **one transaction**
//! (group commit), then answers each caller through its oneshot. While one batch commits the next
//! one gathers, so batches grow with load.
//!
//! One failing operation never loses the others: an operation refused before writing (unknown
//! conversation) just answers its error; a database error rolls the transaction back, answers
//! that operation's caller, and the batch is retried without it.
//!
//! Besides sessions and messages, the small writes that touch the same rows go through here too
//! (status changes, read positions, upload metadata), so on SQLite no other connection ever
//! writes between a batch's reads and its writes.

use std::sync::Arc;

use parlour_shared::{AttachmentId, Author, ClientMessageId, ConversationId, ConversationStatus, Message, ProjectId, SessionId};
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::append::{OpError, append};
use super::attachments::AttachmentRow;
use super::batch::Deferred;
use super::cache::Cache;
use super::conversations::ConversationRow;
use super::update::update;
use super::sessions::{self, SessionRow};
use super::{DbError, now_ms};

/// The most operations one transaction holds.
const MAX_BATCH: usize = 512;
/// How many operations may wait in the queue before callers wait for room.
const QUEUE: usize = 16_384;

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The session's current conversation, created when it has none (visitor sends).
    Session {
        /// The visitor's session.
        session_id: SessionId,
        /// Its project.
        project_id: ProjectId,
    },
    /// An existing conversation (agent replies).
    Conversation(ConversationId),
}

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Where it goes.
    pub target: Target,
    /// The sender's idempotency key.
    pub client_message_id: ClientMessageId,
    /// Who wrote it.
    pub author: Author,
    /// The (validated) text; empty when the message is only attachments.
    pub body: String,
    /// Uploaded files it carries (each claimed once, by its uploader).
    pub attachment_ids: Vec<AttachmentId>,
    /// The visitor connection that sent it, which gets an `ack` instead of a live copy.
    pub origin: Option<u64>,
}

/// A stored message (or the original of a repeat) and its conversation after the write.
#[derive(Debug, Clone)]
pub struct Appended {
    /// The stored message.
    pub message: Message,
    /// Whether the `clientMessageId` had been stored before (nothing was written).
    pub duplicate: bool,
    /// The conversation after the write.
    pub conversation: ConversationRow,
    /// Whether this write started the conversation.
    pub conversation_created: bool,
}

/// Why a write failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The target conversation does not exist.
    #[error("no such conversation")]
    NotFound,
    /// The database is out of reach, or the writer has stopped.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database refused the write.
    #[error("write failed: {0}")]
    Failed(String),
    /// The request does not fit the stored data (an attachment that is not the sender's or is
    /// already sent, a read position past the end).
    #[error("invalid: {0}")]
    Invalid(&'static str),
}

/// Which side's read position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The visitor.
    Visitor,
    /// The agents.
    Agent,
}

/// A small write on an existing row.
#[derive(Debug, Clone)]
pub enum Update {
    /// Set a conversation's status.
    Status(ConversationId, ConversationStatus),
    /// Move one side's read position forward to `seq` (never back; at most `last_seq`).
    Read(ConversationId, Reader, i64),
    /// Store an upload's metadata.
    Attachment(Box<AttachmentRow>),
}

/// What an [`Update`] did.
#[derive(Debug, Clone)]
pub struct Updated {
    /// The conversation after the write (`None` for an attachment).
    pub conversation: Option<ConversationRow>,
    /// Whether anything changed (a status set again or a read position not moving is no change).
    pub changed: bool,
}

impl From<sqlx::Error> for WriteError {
    fn from(err: sqlx::Error) -> Self {
        match DbError::from(err) {
            DbError::Unavailable(why) => WriteError::Unavailable(why),
            other => WriteError::Failed(other.to_string()),
        }
    }
}

/// Told about every newly stored message, after its transaction committed, in commit order.
pub trait AfterCommit: Send + Sync + 'static {
    /// A message was stored (never called for repeats).
    fn stored(&self, appended: &Appended, origin: Option<u64>);
}

/// The reply to an append, to await.
pub type AppendReply = oneshot::Receiver<Result<Appended, WriteError>>;

enum Job {
    Session(SessionRow, oneshot::Sender<Result<(), WriteError>>),
    Append(NewMessage, oneshot::Sender<Result<Appended, WriteError>>),
    Update(Update, oneshot::Sender<Result<Updated, WriteError>>),
}

enum Outcome {
    Session,
    Append(Box<Result<Appended, WriteError>>),
    Update(Result<Updated, WriteError>),
}

/// A handle to the writer task (cheap to clone). The task ends when every handle is dropped.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer task on `pool`.
    pub fn spawn(pool: AnyPool, after: Arc<dyn AfterCommit>) -> (Self, JoinHandle<()>) {
        let (queue, jobs) = mpsc::channel(QUEUE);
        (Self { queue }, tokio::spawn(run(pool, jobs, after)))
    }

    /// Stores a new session; returns once committed.
    ///
    /// # Errors
    /// [`WriteError`] when it could not be stored.
    pub async fn insert_session(&self, row: SessionRow) -> Result<(), WriteError> {
        let (reply, answer) = oneshot::channel();
        self.enqueue(Job::Session(row, reply)).await?;
        answer.await.unwrap_or_else(|_| Err(stopped()))
    }

    /// Queues a message and returns the receiver of its outcome without waiting for the commit,
    /// so a connection can keep reading while its sends are stored.
    ///
    /// # Errors
    /// [`WriteError::Unavailable`] when the writer has stopped.
    pub async fn submit(&self, message: NewMessage) -> Result<AppendReply, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.enqueue(Job::Append(message, reply)).await?;
        Ok(answer)
    }

    /// Stores a message (or finds the original of a repeat); returns once committed.
    ///
    /// # Errors
    /// [`WriteError`] when it could not be stored.
    pub async fn append(&self, message: NewMessage) -> Result<Appended, WriteError> {
        self.submit(message).await?.await.unwrap_or_else(|_| Err(stopped()))
    }

    /// Applies a small write; returns once committed.
    ///
    /// # Errors
    /// [`WriteError`] when it could not be applied.
    pub async fn update(&self, update: Update) -> Result<Updated, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.enqueue(Job::Update(update, reply)).await?;
        answer.await.unwrap_or_else(|_| Err(stopped()))
    }

    async fn enqueue(&self, job: Job) -> Result<(), WriteError> {
        self.queue.send(job).await.map_err(|_| stopped())
    }
}

fn stopped() -> WriteError {
    WriteError::Unavailable("the writer has stopped".to_owned())
}

async fn run(pool: AnyPool, mut jobs: mpsc::Receiver<Job>, after: Arc<dyn AfterCommit>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut cache = Cache::default();
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        commit(&pool, &mut cache, &mut batch, after.as_ref()).await;
        cache.trim();
    }
}

enum BatchError {
    /// Operation `i` hit a database error; retry without it.
    Op(usize, sqlx::Error),
    /// A multi-row statement hit a database error; retry one row per statement, to find the
    /// operation at fault.
    Deferred(sqlx::Error),
    /// The transaction itself failed; every operation fails.
    All(WriteError),
}

/// Commits `batch` (emptying it), retrying without operations that fail. A failed attempt was
/// rolled back, so the cache forgets what it did.
async fn commit(pool: &AnyPool, cache: &mut Cache, batch: &mut Vec<Job>, after: &dyn AfterCommit) {
    let mut defer = true;
    while !batch.is_empty() {
        let attempt = try_batch(pool, cache, batch, defer).await;
        if attempt.is_err() {
            cache.clear();
        }
        match attempt {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    finish(job, outcome, after);
                }
            }
            Err(BatchError::Deferred(err)) if defer => {
                tracing::warn!(error = %err, "batched write refused; retrying row by row");
                defer = false;
            }
            Err(BatchError::Deferred(err)) => {
                let err = WriteError::from(err);
                tracing::error!(error = %err, jobs = batch.len(), "write batch failed");
                for job in batch.drain(..) {
                    fail(job, &err);
                }
            }
            Err(BatchError::Op(index, err)) => {
                tracing::warn!(error = %err, "write refused; retrying the rest of the batch");
                fail(batch.remove(index), &WriteError::from(err));
            }
            Err(BatchError::All(err)) => {
                tracing::error!(error = %err, jobs = batch.len(), "write batch failed");
                for job in batch.drain(..) {
                    fail(job, &err);
                }
            }
        }
    }
}

async fn try_batch(pool: &AnyPool, cache: &mut Cache, batch: &[Job], defer: bool) -> Result<Vec<Outcome>, BatchError> {
    let all = |e: sqlx::Error| BatchError::All(e.into());
    let op = |i: usize, e: sqlx::Error| {
        if matches!(e, sqlx::Error::Database(_)) { BatchError::Op(i, e) } else { BatchError::All(e.into()) }
    };
    let deferred_err = |e: sqlx::Error| {
        if matches!(e, sqlx::Error::Database(_) | sqlx::Error::Protocol(_)) { BatchError::Deferred(e) } else { BatchError::All(e.into()) }
    };
    let mut tx = pool.begin().await.map_err(all)?;
    let now = now_ms();
    let mut deferred = None;
    if defer {
        // The repeats of every append whose conversation is known, in one look-up.
        let pairs: Vec<_> = batch
            .iter()
            .filter_map(|job| match job {
                Job::Append(message, _) => cache.peek(&message.target).map(|id| (id, &message.client_message_id)),
                _ => None,
            })
            .collect();
        let mut batched = Deferred::default();
        batched.look_up(&mut tx, &pairs).await.map_err(deferred_err)?;
        deferred = Some(batched);
    }
    let mut outcomes = Vec::with_capacity(batch.len());
    for (i, job) in batch.iter().enumerate() {
        outcomes.push(match job {
            Job::Session(row, _) => {
                sessions::insert(&mut tx, row).await.map_err(|e| op(i, e))?;
                Outcome::Session
            }
            Job::Append(message, _) => match append(&mut tx, cache, deferred.as_mut(), message, now).await {
                Ok(appended) => Outcome::Append(Box::new(Ok(appended))),
                Err(OpError::Rejected(err)) => Outcome::Append(Box::new(Err(err))),
                Err(OpError::Db(err)) => return Err(op(i, err)),
            },
            Job::Update(change, _) => match update(&mut tx, cache, change, now).await {
                Ok(updated) => Outcome::Update(Ok(updated)),
                Err(OpError::Rejected(err)) => Outcome::Update(Err(err)),
                Err(OpError::Db(err)) => return Err(op(i, err)),
            },
        });
    }
    if let Some(mut deferred) = deferred {
        deferred.pending.write(&mut tx).await.map_err(deferred_err)?;
    }
    cache.flush(&mut tx).await.map_err(deferred_err)?;
    tx.commit().await.map_err(all)?;
    Ok(outcomes)
}

fn finish(job: Job, outcome: Outcome, after: &dyn AfterCommit) {
    match (job, outcome) {
        (Job::Session(_, reply), Outcome::Session) => {
            let _ = reply.send(Ok(()));
        }
        (Job::Append(message, reply), Outcome::Append(result)) => {
            let result = *result;
            if let Ok(appended) = &result
                && !appended.duplicate
            {
                after.stored(appended, message.origin);
            }
            let _ = reply.send(result);
        }
        (Job::Update(_, reply), Outcome::Update(result)) => {
            let _ = reply.send(result);
        }
        (job, _) => fail(job, &WriteError::Failed("mismatched outcome".to_owned())),
    }
}

fn fail(job: Job, err: &WriteError) {
    match job {
        Job::Session(_, reply) => {
            let _ = reply.send(Err(err.clone()));
        }
        Job::Append(_, reply) => {
            let _ = reply.send(Err(err.clone()));
        }
        Job::Update(_, reply) => {
            let _ = reply.send(Err(err.clone()));
        }
    }
}

#[cfg(test)]
#[path = "writer_tests.rs"]
mod tests;
