//! The inbox's one connection inside `serve`: a thread that owns the [`Store`] and applies
//! the writes of every request and delivery worker, many at a time in one transaction (group
//! commit), so that one fsync makes a whole batch of callbacks durable.
//!
//! Async code hands it work through a bounded channel and awaits the answer; a request is
//! answered 204 only after the transaction holding its event committed.

use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use super::store::db::StoreError;
use super::store::{Store, Write, Written};

/// The most writes applied in one transaction.
const MAX_BATCH: usize = 512;
/// The most jobs waiting for the thread; beyond it requests wait (and rejection records are
/// dropped, counted by the caller).
const QUEUE: usize = 16 * 1024;

/// Why the inbox could not do something (the store's message, log-safe).
#[derive(Clone, Debug)]
pub struct InboxError(pub String);

impl std::fmt::Display for InboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type Reply = oneshot::Sender<Result<Written, InboxError>>;
type ReadJob = Box<dyn FnOnce(&mut Store) + Send>;

enum Job {
    Write(Box<Write>, Option<Reply>),
    Read(ReadJob),
}

/// A handle to the inbox thread; cheap to clone. The thread ends when every handle is gone.
#[derive(Clone)]
pub struct Inbox {
    tx: mpsc::Sender<Job>,
}

impl Inbox {
    /// Starts the thread that owns `store`.
    pub fn start(store: Store) -> (Inbox, JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("inbox".to_owned())
            .spawn(move || run(store, rx))
            .expect("the inbox thread starts");
        (Inbox { tx }, thread)
    }

    /// Applies one write (with whatever else is waiting, in one transaction) and returns its
    /// result once committed.
    pub async fn write(&self, write: Write) -> Result<Written, InboxError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job::Write(Box::new(write), Some(reply)))
            .await
            .map_err(|_| InboxError("the inbox is closed".to_owned()))?;
        answer
            .await
            .map_err(|_| InboxError("the inbox stopped".to_owned()))?
    }

    /// Queues a write nobody waits for (a rejection record); false when the queue is full.
    pub fn record(&self, write: Write) -> bool {
        self.tx.try_send(Job::Write(Box::new(write), None)).is_ok()
    }

    /// Runs `f` on the store between two batches.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, InboxError> {
        let (reply, answer) = oneshot::channel();
        let job: ReadJob = Box::new(move |store| {
            let _ = reply.send(f(store).map_err(|e| InboxError(e.to_string())));
        });
        self.tx
            .send(Job::Read(job))
            .await
            .map_err(|_| InboxError("the inbox is closed".to_owned()))?;
        answer
            .await
            .map_err(|_| InboxError("the inbox stopped".to_owned()))?
    }
}

fn run(mut store: Store, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let mut writes: Vec<(Box<Write>, Option<Reply>)> = Vec::new();
        let mut reads: Vec<ReadJob> = Vec::new();
        let mut next = Some(first);
        while let Some(job) = next {
            match job {
                Job::Write(w, r) => writes.push((w, r)),
                Job::Read(f) => reads.push(f),
            }
            next = if writes.len() < MAX_BATCH {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        if !writes.is_empty() {
            let batch: Vec<&Write> = writes.iter().map(|(w, _)| w.as_ref()).collect();
            match store.apply(&batch) {
                Ok(results) => {
                    for ((_, reply), result) in writes.into_iter().zip(results) {
                        if let Some(reply) = reply {
                            let _ = reply.send(Ok(result));
                        }
                    }
                }
                // One bad write must not fail the others: each alone, in its own transaction;
                // unless the database itself is failing, when every one fails at once rather
                // than waiting its turn for the same error.
                Err(e) if writes.len() == 1 || store.ping().is_err() => {
                    let message = e.to_string();
                    for (_, reply) in writes {
                        if let Some(reply) = reply {
                            let _ = reply.send(Err(InboxError(message.clone())));
                        }
                    }
                }
                Err(_) => {
                    for (write, reply) in writes {
                        let result = store
                            .apply(&[write.as_ref()])
                            .map(|mut r| r.pop().expect("one result per write"))
                            .map_err(|e| InboxError(e.to_string()));
                        if let Some(reply) = reply {
                            let _ = reply.send(result);
                        }
                    }
                }
            }
        }
        for read in reads {
            read(&mut store);
        }
    }
}
