//! The inbox: verified events waiting for delivery, their delivery attempts, and the refused
//! callbacks, in SQLite or PostgreSQL (`docs/gateway.md`, "The inbox").
//!
//! Every operation is written once over [`db::Db`]; the two databases differ only in their
//! connection ([`sqlite`], [`postgres`]), a few column types ([`schema`]) and the row lock of
//! [`Store::claim`] (`FOR UPDATE SKIP LOCKED`, PostgreSQL's, so that processes sharing the
//! database never lease the same event).

pub mod db;
pub mod postgres;
pub mod schema;
pub mod sqlite;

use serde::Serialize;

use self::db::{Db, Dialect, Row, StoreError};
use crate::serve::config::StoreUrl;

/// What WeChat Pay's envelope says of a notification: the fields every event carries, in
/// the inbox, in `inbox list` and in the forwarded message.
#[derive(Clone, Debug, Serialize)]
pub struct Envelope {
    /// The notification id: the dedupe key.
    pub id: String,
    /// Its kind in the event catalog (`transaction`, `refund`, … or `unknown`).
    pub kind: String,
    /// `event_type`.
    pub event_type: String,
    /// The merchant, when the verifier knows it.
    pub mchid: Option<String>,
    /// `create_time`.
    pub create_time: String,
    /// `summary`.
    pub summary: String,
}

/// The columns of [`Envelope`], in its order (a macro, for `concat!`).
macro_rules! envelope_columns {
    () => {
        "id, kind, event_type, mchid, create_time, summary"
    };
}

/// The columns of [`Envelope`], in its order.
const ENVELOPE_COLUMNS: &str = envelope_columns!();

/// Stores a new event, unless its id is in the inbox already (the dedupe key).
const INSERT_EVENT: &str = concat!(
    "INSERT INTO wechatpay_notify_events (",
    envelope_columns!(),
    ", plaintext, raw_request, source, received_at, status, attempts, next_attempt_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', 0, $10) \
     ON CONFLICT (id) DO NOTHING"
);

impl Envelope {
    /// The envelope in the six columns of `r` from `at` ([`ENVELOPE_COLUMNS`]).
    fn from_row(r: &Row, at: usize) -> Envelope {
        Envelope {
            id: r.text(at).unwrap_or_default(),
            kind: r.text(at + 1).unwrap_or_default(),
            event_type: r.text(at + 2).unwrap_or_default(),
            mchid: r.text(at + 3),
            create_time: r.text(at + 4).unwrap_or_default(),
            summary: r.text(at + 5).unwrap_or_default(),
        }
    }
}

/// A verified notification to store.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// Its envelope.
    pub envelope: Envelope,
    /// The decrypted resource.
    pub plaintext: String,
    /// The request as received (start line, headers, body), for `doctor`.
    pub raw_request: Vec<u8>,
    /// The peer address.
    pub source: String,
    /// Unix milliseconds of receipt.
    pub received_at: i64,
}

/// A refused request.
#[derive(Clone, Debug, Serialize)]
pub struct Rejection {
    /// Unix milliseconds.
    pub at_ms: i64,
    /// The error code (the core's, or the gateway's: `NOT_FOUND`, `BODY_TIMEOUT`, …).
    pub code: String,
    /// The log-safe message.
    pub message: String,
    /// The peer address.
    pub source: String,
    /// The request method.
    pub method: String,
    /// The request path.
    pub path: String,
}

/// An event leased for delivery.
#[derive(Clone, Debug)]
pub struct Leased {
    /// Its envelope.
    pub envelope: Envelope,
    /// The decrypted resource.
    pub plaintext: String,
    /// Attempts made before this one.
    pub attempts: i64,
    /// Unix milliseconds from which `max_age` counts: receipt, or the last requeue.
    pub since: i64,
    /// The lease: the token of the claim that leased it.
    pub lease: String,
}

/// What happens to an event after one delivery attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Delivered (a 2xx).
    Delivered,
    /// Tried again at this Unix millisecond.
    RetryAt(i64),
    /// Dead-lettered.
    Dead,
}

/// One delivery attempt, as recorded.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// The event.
    pub event_id: String,
    /// 1 for the first attempt.
    pub attempt: i64,
    /// Unix milliseconds when it started.
    pub at: i64,
    /// The HTTP status, when one came.
    pub status: Option<i64>,
    /// What went wrong, when something did.
    pub error: Option<String>,
    /// Who made it (`host:pid:random`).
    pub worker: String,
    /// The lease it was made under ([`Leased::lease`]).
    pub lease: String,
    /// How long it took.
    pub duration_ms: i64,
    /// What happens next.
    pub next: Next,
}

/// A change to the inbox, applied with others in one transaction by [`Store::apply`].
#[derive(Clone, Debug)]
pub enum Write {
    /// Store a verified event (nothing happens if its id is already there).
    Insert(NewEvent),
    /// Record a refused request.
    Reject(Rejection),
    /// Lease up to `limit` due events to `lease` until `now + lease_ms`.
    Claim {
        /// The claim's token, unique to it: a finished attempt counts only under its lease.
        lease: String,
        /// Unix milliseconds.
        now: i64,
        /// The lease's length.
        lease_ms: i64,
        /// How many at most.
        limit: i64,
    },
    /// Record an attempt and its consequence.
    Finish(Attempt),
}

/// The result of one [`Write`].
#[derive(Debug)]
pub enum Written {
    /// `Insert`: true when new, false when the id was already in the inbox.
    Inserted(bool),
    /// `Reject` and `Finish`.
    Done,
    /// `Claim`: the leased events.
    Claimed(Vec<Leased>),
}

/// An event as `inbox list` and `show` print it.
#[derive(Clone, Debug, Serialize)]
pub struct EventRow {
    /// Its envelope.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// `pending`, `delivered` or `dead`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// Unix milliseconds of receipt.
    pub received_at_ms: i64,
    /// When the next attempt is due (pending events).
    pub next_attempt_at_ms: Option<i64>,
    /// When it was delivered.
    pub delivered_at_ms: Option<i64>,
    /// The last failure.
    pub last_error: Option<String>,
    /// The peer address it came from.
    pub source: String,
}

/// A recorded attempt as `inbox show` prints it.
#[derive(Clone, Debug, Serialize)]
pub struct AttemptRow {
    /// 1 for the first.
    pub attempt: i64,
    /// Unix milliseconds when it started.
    pub at_ms: i64,
    /// True for a 2xx.
    pub ok: bool,
    /// The HTTP status.
    pub status: Option<i64>,
    /// What went wrong.
    pub error: Option<String>,
    /// The worker.
    pub worker: String,
    /// How long it took.
    pub duration_ms: i64,
}

/// Counts for `inbox stats` and `/metrics`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// `sqlite` or `postgres`.
    pub store: &'static str,
    /// The schema version.
    pub schema_version: i64,
    /// Events waiting for delivery.
    pub pending: i64,
    /// Events delivered.
    pub delivered: i64,
    /// Events dead-lettered.
    pub dead: i64,
    /// Rejections kept, by code.
    pub rejections: std::collections::BTreeMap<String, i64>,
    /// Age of the oldest pending event.
    pub oldest_pending_age_seconds: Option<f64>,
}

/// The columns of [`EventRow`], in its order.
const EVENT_COLUMNS: &str = concat!(
    envelope_columns!(),
    ", status, attempts, received_at, next_attempt_at, delivered_at, last_error, source"
);

fn event_row(r: &Row) -> EventRow {
    let status = r.text(6).unwrap_or_default();
    EventRow {
        envelope: Envelope::from_row(r, 0),
        next_attempt_at_ms: if status == "pending" { r.int(9) } else { None },
        status,
        attempts: r.int(7).unwrap_or_default(),
        received_at_ms: r.int(8).unwrap_or_default(),
        delivered_at_ms: r.int(10),
        last_error: r.text(11),
        source: r.text(12).unwrap_or_default(),
    }
}

/// What `inbox replay` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replay {
    /// The event is pending again, due now.
    Requeued,
    /// The event is pending already: nothing changed.
    AlreadyPending,
    /// There is no such event.
    NotFound,
}

/// A connection to the inbox.
pub struct Store {
    db: Box<dyn Db>,
}

impl Store {
    /// Connects (an SQLite file is created if missing). Does not migrate.
    pub fn open(url: &StoreUrl) -> Result<Store, StoreError> {
        let db: Box<dyn Db> = match url {
            StoreUrl::Sqlite(path) => Box::new(sqlite::SqliteDb::open(path)?),
            StoreUrl::Postgres(url) => Box::new(postgres::PostgresDb::open(url)?),
        };
        Ok(Store { db })
    }

    /// `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self.db.dialect() {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    /// Runs `f` in a transaction: committed if it succeeds, rolled back otherwise.
    fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.db.begin()?;
        match f(self.db.as_mut()).and_then(|t| self.db.commit().map(|()| t)) {
            Ok(t) => Ok(t),
            Err(e) => {
                self.db.rollback();
                Err(e)
            }
        }
    }

    /// The versions applied, newest last (none when the inbox was never migrated).
    fn applied(db: &mut dyn Db) -> Result<Vec<i64>, StoreError> {
        let exists = db.query(
            match db.dialect() {
                Dialect::Sqlite => {
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' \
                     AND name = 'wechatpay_notify_schema'"
                }
                Dialect::Postgres => "SELECT to_regclass('wechatpay_notify_schema')::TEXT",
            },
            &[],
        )?;
        if exists
            .first()
            .and_then(|r| r.0.first())
            .is_none_or(|v| matches!(v, db::Value::Text(None) | db::Value::Int(None)))
        {
            return Ok(Vec::new());
        }
        Ok(db
            .query(
                "SELECT version FROM wechatpay_notify_schema ORDER BY version",
                &[],
            )?
            .iter()
            .filter_map(|r| r.int(0))
            .collect())
    }

    /// Applies the migrations not yet applied, in one transaction (several processes starting
    /// at once take turns: PostgreSQL through an advisory lock, SQLite through its write
    /// lock). Returns the versions applied now.
    pub fn migrate(&mut self) -> Result<Vec<i64>, StoreError> {
        let now = now_ms();
        self.transaction(|db| {
            if db.dialect() == Dialect::Postgres {
                // Any constant both processes agree on: "wpn" in ASCII.
                db.query("SELECT pg_advisory_xact_lock(7827566)::TEXT", &[])?;
            }
            let dialect = db.dialect();
            db.batch(&schema::schema_table(dialect))?;
            let applied = Store::applied(db)?;
            let known = schema::MIGRATIONS.len() as i64;
            if let Some(newer) = applied.iter().find(|v| **v > known) {
                return Err(StoreError::Schema(format!(
                    "the inbox has schema version {newer}, newer than this wechatpay-notify \
                     knows ({known}): upgrade wechatpay-notify"
                )));
            }
            let mut done = Vec::new();
            for m in schema::MIGRATIONS
                .iter()
                .filter(|m| !applied.contains(&m.version))
            {
                db.batch(&m.sql(db.dialect()))?;
                db.execute(
                    "INSERT INTO wechatpay_notify_schema (version, applied_at) VALUES ($1, $2)",
                    &[m.version.into(), now.into()],
                )?;
                done.push(m.version);
            }
            Ok(done)
        })
    }

    /// The newest applied migration, 0 for none.
    pub fn schema_version(&mut self) -> Result<i64, StoreError> {
        Ok(Store::applied(self.db.as_mut())?
            .last()
            .copied()
            .unwrap_or(0))
    }

    /// Refuses an inbox whose schema is not this version's.
    pub fn check_schema(&mut self) -> Result<(), StoreError> {
        let version = self.schema_version()?;
        let known = schema::MIGRATIONS.len() as i64;
        if version != known {
            return Err(StoreError::Schema(format!(
                "the inbox has schema version {version}, this wechatpay-notify needs {known}: run \
                 `wechatpay-notify inbox --config FILE migrate` (serve migrates when it starts)"
            )));
        }
        Ok(())
    }

    /// Checks that the database answers.
    pub fn ping(&mut self) -> Result<(), StoreError> {
        self.db.query("SELECT 1", &[]).map(|_| ())
    }

    /// Applies `writes` in one transaction, durable when this returns.
    pub fn apply(&mut self, writes: &[&Write]) -> Result<Vec<Written>, StoreError> {
        self.transaction(|db| writes.iter().map(|w| apply_one(db, w)).collect())
    }

    /// Gives up every lease: an SQLite inbox has one `serve`, so at its start no other worker
    /// is delivering.
    pub fn release_leases(&mut self) -> Result<u64, StoreError> {
        self.db.execute(
            "UPDATE wechatpay_notify_events SET lease_owner = NULL, lease_until = NULL \
             WHERE lease_owner IS NOT NULL",
            &[],
        )
    }

    /// Events, newest first, of one status or all.
    pub fn list(&mut self, status: Option<&str>, limit: i64) -> Result<Vec<EventRow>, StoreError> {
        let rows = match status {
            Some(s) => self.db.query(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM wechatpay_notify_events WHERE status = $1 \
                     ORDER BY received_at DESC, id LIMIT $2"
                ),
                &[s.into(), limit.into()],
            )?,
            None => self.db.query(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM wechatpay_notify_events \
                     ORDER BY received_at DESC, id LIMIT $1"
                ),
                &[limit.into()],
            )?,
        };
        Ok(rows.iter().map(event_row).collect())
    }

    /// One event, its attempts, its decrypted resource and the request as received.
    #[allow(clippy::type_complexity)]
    pub fn show(
        &mut self,
        id: &str,
    ) -> Result<Option<(EventRow, Vec<AttemptRow>, String, Vec<u8>)>, StoreError> {
        let rows = self.db.query(
            &format!(
                "SELECT {EVENT_COLUMNS}, plaintext, raw_request FROM wechatpay_notify_events \
                 WHERE id = $1"
            ),
            &[id.into()],
        )?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let attempts = self
            .db
            .query(
                "SELECT attempt, at, ok, status, error, worker, duration_ms \
                 FROM wechatpay_notify_attempts WHERE event_id = $1 ORDER BY at, attempt",
                &[id.into()],
            )?
            .iter()
            .map(|r| AttemptRow {
                attempt: r.int(0).unwrap_or_default(),
                at_ms: r.int(1).unwrap_or_default(),
                ok: r.int(2) == Some(1),
                status: r.int(3),
                error: r.text(4),
                worker: r.text(5).unwrap_or_default(),
                duration_ms: r.int(6).unwrap_or_default(),
            })
            .collect();
        Ok(Some((
            event_row(row),
            attempts,
            row.text(13).unwrap_or_default(),
            row.bytes(14).unwrap_or_default(),
        )))
    }

    /// Makes a delivered or dead event pending again, due now, its attempts and `max_age`
    /// counted from now. A pending event is left alone (it is being delivered, or will be).
    pub fn replay(&mut self, id: &str) -> Result<Replay, StoreError> {
        let changed = self.db.execute(
            "UPDATE wechatpay_notify_events SET status = 'pending', attempts = 0, \
             next_attempt_at = $2, requeued_at = $2, lease_owner = NULL, lease_until = NULL, \
             delivered_at = NULL WHERE id = $1 AND status IN ('delivered', 'dead')",
            &[id.into(), now_ms().into()],
        )?;
        if changed > 0 {
            return Ok(Replay::Requeued);
        }
        let exists = self.db.query(
            "SELECT status FROM wechatpay_notify_events WHERE id = $1",
            &[id.into()],
        )?;
        Ok(if exists.is_empty() {
            Replay::NotFound
        } else {
            Replay::AlreadyPending
        })
    }

    /// Makes every dead event pending again, due now, its attempts and `max_age` counted from
    /// now; how many.
    pub fn retry_dead(&mut self) -> Result<u64, StoreError> {
        self.db.execute(
            "UPDATE wechatpay_notify_events SET status = 'pending', attempts = 0, \
             next_attempt_at = $1, requeued_at = $1, lease_owner = NULL, lease_until = NULL \
             WHERE status = 'dead'",
            &[now_ms().into()],
        )
    }

    /// The pending events' count and the oldest one's age: what `/metrics` reports, through
    /// the index of pending events.
    pub fn pending(&mut self) -> Result<(i64, Option<f64>), StoreError> {
        let rows = self.db.query(
            "SELECT COUNT(*), MIN(received_at) FROM wechatpay_notify_events \
             WHERE status = 'pending'",
            &[],
        )?;
        let row = rows.first();
        Ok((
            row.and_then(|r| r.int(0)).unwrap_or(0),
            row.and_then(|r| r.int(1))
                .map(|at| ((now_ms() - at).max(0)) as f64 / 1000.0),
        ))
    }

    /// Rejections, newest first.
    pub fn rejections(&mut self, limit: i64) -> Result<Vec<Rejection>, StoreError> {
        Ok(self
            .db
            .query(
                "SELECT at, code, message, source, method, path FROM wechatpay_notify_rejections \
                 ORDER BY at DESC, id DESC LIMIT $1",
                &[limit.into()],
            )?
            .iter()
            .map(|r| Rejection {
                at_ms: r.int(0).unwrap_or_default(),
                code: r.text(1).unwrap_or_default(),
                message: r.text(2).unwrap_or_default(),
                source: r.text(3).unwrap_or_default(),
                method: r.text(4).unwrap_or_default(),
                path: r.text(5).unwrap_or_default(),
            })
            .collect())
    }

    /// Counts by status and rejection code, and the oldest pending event's age.
    pub fn stats(&mut self) -> Result<Stats, StoreError> {
        let mut stats = Stats {
            store: self.kind(),
            schema_version: self.schema_version()?,
            ..Stats::default()
        };
        for r in self.db.query(
            "SELECT status, COUNT(*) FROM wechatpay_notify_events GROUP BY status",
            &[],
        )? {
            let n = r.int(1).unwrap_or_default();
            match r.text(0).as_deref() {
                Some("pending") => stats.pending = n,
                Some("delivered") => stats.delivered = n,
                Some("dead") => stats.dead = n,
                _ => {}
            }
        }
        for r in self.db.query(
            "SELECT code, COUNT(*) FROM wechatpay_notify_rejections GROUP BY code",
            &[],
        )? {
            stats
                .rejections
                .insert(r.text(0).unwrap_or_default(), r.int(1).unwrap_or_default());
        }
        let oldest = self.db.query(
            "SELECT MIN(received_at) FROM wechatpay_notify_events WHERE status = 'pending'",
            &[],
        )?;
        stats.oldest_pending_age_seconds = oldest
            .first()
            .and_then(|r| r.int(0))
            .map(|at| ((now_ms() - at).max(0)) as f64 / 1000.0);
        Ok(stats)
    }

    /// Deletes delivered events (with their attempts) and rejections older than `before`
    /// (Unix milliseconds); how many rows.
    pub fn prune(&mut self, before: i64) -> Result<u64, StoreError> {
        self.transaction(|db| {
            let old = "SELECT id FROM wechatpay_notify_events \
                       WHERE status = 'delivered' AND delivered_at < $1";
            let mut n = db.execute(
                &format!("DELETE FROM wechatpay_notify_attempts WHERE event_id IN ({old})"),
                &[before.into()],
            )?;
            n += db.execute(
                "DELETE FROM wechatpay_notify_events WHERE status = 'delivered' AND delivered_at < $1",
                &[before.into()],
            )?;
            n += db.execute(
                "DELETE FROM wechatpay_notify_rejections WHERE at < $1",
                &[before.into()],
            )?;
            Ok(n)
        })
    }
}

/// Applies one write inside the caller's transaction.
fn apply_one(db: &mut dyn Db, write: &Write) -> Result<Written, StoreError> {
    match write {
        Write::Insert(e) => {
            let (ev, envelope) = (e, &e.envelope);
            let n = db.execute(
                INSERT_EVENT,
                &[
                    envelope.id.as_str().into(),
                    envelope.kind.as_str().into(),
                    envelope.event_type.as_str().into(),
                    envelope.mchid.as_deref().into(),
                    envelope.create_time.as_str().into(),
                    envelope.summary.as_str().into(),
                    ev.plaintext.as_str().into(),
                    ev.raw_request.clone().into(),
                    ev.source.as_str().into(),
                    ev.received_at.into(),
                ],
            )?;
            Ok(Written::Inserted(n > 0))
        }
        Write::Reject(r) => {
            db.execute(
                "INSERT INTO wechatpay_notify_rejections (at, code, message, source, method, path) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    r.at_ms.into(),
                    r.code.as_str().into(),
                    r.message.as_str().into(),
                    r.source.as_str().into(),
                    r.method.as_str().into(),
                    r.path.as_str().into(),
                ],
            )?;
            Ok(Written::Done)
        }
        Write::Claim {
            lease,
            now,
            lease_ms,
            limit,
        } => {
            let lock = match db.dialect() {
                Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
                Dialect::Sqlite => "",
            };
            let rows = db.query(
                &format!(
                    "UPDATE wechatpay_notify_events SET lease_owner = $1, lease_until = $2 \
                     WHERE id IN (SELECT id FROM wechatpay_notify_events \
                     WHERE status = 'pending' AND next_attempt_at <= $3 \
                     AND (lease_until IS NULL OR lease_until <= $3) \
                     ORDER BY next_attempt_at LIMIT $4{lock}) \
                     RETURNING {ENVELOPE_COLUMNS}, plaintext, attempts, \
                     COALESCE(requeued_at, received_at)"
                ),
                &[
                    lease.as_str().into(),
                    (now + lease_ms).into(),
                    (*now).into(),
                    (*limit).into(),
                ],
            )?;
            Ok(Written::Claimed(
                rows.iter()
                    .map(|r| Leased {
                        envelope: Envelope::from_row(r, 0),
                        plaintext: r.text(6).unwrap_or_default(),
                        attempts: r.int(7).unwrap_or_default(),
                        since: r.int(8).unwrap_or_default(),
                        lease: lease.clone(),
                    })
                    .collect(),
            ))
        }
        Write::Finish(a) => {
            db.execute(
                "INSERT INTO wechatpay_notify_attempts (event_id, attempt, at, ok, status, error, \
                 worker, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    a.event_id.as_str().into(),
                    a.attempt.into(),
                    a.at.into(),
                    i64::from(a.next == Next::Delivered).into(),
                    a.status.into(),
                    a.error.clone().into(),
                    a.worker.as_str().into(),
                    a.duration_ms.into(),
                ],
            )?;
            match a.next {
                // Delivered is delivered, even when the lease ran out meanwhile.
                Next::Delivered => db.execute(
                    "UPDATE wechatpay_notify_events SET status = 'delivered', attempts = $2, \
                     delivered_at = $3, last_error = NULL, lease_owner = NULL, lease_until = NULL \
                     WHERE id = $1 AND status = 'pending'",
                    &[
                        a.event_id.as_str().into(),
                        a.attempt.into(),
                        now_ms().into(),
                    ],
                )?,
                // A failure counts only while the lease is ours: otherwise another worker has
                // the event now.
                Next::RetryAt(at) => db.execute(
                    "UPDATE wechatpay_notify_events SET attempts = $2, next_attempt_at = $3, \
                     last_error = $4, lease_owner = NULL, lease_until = NULL \
                     WHERE id = $1 AND status = 'pending' AND lease_owner = $5",
                    &[
                        a.event_id.as_str().into(),
                        a.attempt.into(),
                        at.into(),
                        a.error.clone().into(),
                        a.lease.as_str().into(),
                    ],
                )?,
                Next::Dead => db.execute(
                    "UPDATE wechatpay_notify_events SET status = 'dead', attempts = $2, \
                     last_error = $3, lease_owner = NULL, lease_until = NULL \
                     WHERE id = $1 AND status = 'pending' AND lease_owner = $4",
                    &[
                        a.event_id.as_str().into(),
                        a.attempt.into(),
                        a.error.clone().into(),
                        a.lease.as_str().into(),
                    ],
                )?,
            };
            Ok(Written::Done)
        }
    }
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str) -> NewEvent {
        NewEvent {
            envelope: Envelope {
                id: id.to_owned(),
                kind: "transaction".to_owned(),
                event_type: "TRANSACTION.SUCCESS".to_owned(),
                mchid: Some("1900000001".to_owned()),
                create_time: "2026-12-05T10:00:00+08:00".to_owned(),
                summary: "支付成功".to_owned(),
            },
            plaintext: r#"{"out_trade_no":"T-1"}"#.to_owned(),
            raw_request: b"POST / HTTP/1.1\r\n\r\n{}".to_vec(),
            source: "127.0.0.1:1".to_owned(),
            received_at: now_ms(),
        }
    }

    fn claim(store: &mut Store, lease: &str, now: i64) -> Vec<Leased> {
        let claim = Write::Claim {
            lease: lease.to_owned(),
            now,
            lease_ms: 1000,
            limit: 10,
        };
        match store.apply(&[&claim]).unwrap().pop() {
            Some(Written::Claimed(leased)) => leased,
            other => panic!("{other:?}"),
        }
    }

    fn finish(store: &mut Store, leased: &Leased, next: Next) {
        let attempt = Write::Finish(Attempt {
            event_id: leased.envelope.id.clone(),
            attempt: leased.attempts + 1,
            at: now_ms(),
            status: Some(500),
            error: Some("HTTP 500".to_owned()),
            worker: "test".to_owned(),
            lease: leased.lease.clone(),
            duration_ms: 1,
            next,
        });
        store.apply(&[&attempt]).unwrap();
    }

    #[test]
    fn stored_once_leased_by_token_and_replayed_only_when_done() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&StoreUrl::Sqlite(dir.path().join("inbox.db"))).unwrap();
        assert_eq!(store.migrate().unwrap(), vec![1, 2]);
        assert!(store.migrate().unwrap().is_empty());
        store.check_schema().unwrap();
        let (a, b) = (Write::Insert(event("EV-1")), Write::Insert(event("EV-1")));
        let written = store.apply(&[&a, &b]).unwrap();
        assert!(matches!(
            written[..],
            [Written::Inserted(true), Written::Inserted(false)]
        ));

        // Leased under claim A; after A's lease ran out, under claim B.
        let now = now_ms();
        let first = claim(&mut store, "w#0", now);
        assert_eq!(first.len(), 1);
        assert!(claim(&mut store, "w#1", now).is_empty(), "still leased");
        let second = claim(&mut store, "w#2", now + 1000);
        assert_eq!(second.len(), 1);
        // A's late failure does not touch B's lease.
        finish(&mut store, &first[0], Next::Dead);
        let (row, attempts, _, _) = store.show("EV-1").unwrap().unwrap();
        assert_eq!((row.status.as_str(), row.attempts), ("pending", 0));
        assert_eq!(attempts.len(), 1, "the attempt is still logged");
        assert_eq!(store.replay("EV-1").unwrap(), Replay::AlreadyPending);
        finish(&mut store, &second[0], Next::Delivered);
        let (row, ..) = store.show("EV-1").unwrap().unwrap();
        assert_eq!((row.status.as_str(), row.attempts), ("delivered", 1));

        assert_eq!(store.replay("EV-1").unwrap(), Replay::Requeued);
        assert_eq!(store.replay("EV-2").unwrap(), Replay::NotFound);
        let again = claim(&mut store, "w#3", now_ms());
        assert_eq!(again[0].attempts, 0);
        assert!(again[0].since >= now, "max_age counts from the replay");
        let stats = store.stats().unwrap();
        assert_eq!(
            (stats.schema_version, stats.pending, stats.delivered),
            (2, 1, 0)
        );
        assert_eq!(store.pending().unwrap().0, 1);
    }

    #[test]
    fn an_inbox_of_version_1_is_migrated_with_its_events() {
        let dir = tempfile::tempdir().unwrap();
        let url = StoreUrl::Sqlite(dir.path().join("inbox.db"));
        let mut store = Store::open(&url).unwrap();
        // The inbox as version 1 left it, with an event in it.
        let db = store.db.as_mut();
        db.batch(&schema::schema_table(Dialect::Sqlite)).unwrap();
        db.batch(&schema::MIGRATIONS[0].sql(Dialect::Sqlite))
            .unwrap();
        db.execute(
            "INSERT INTO wechatpay_notify_schema (version, applied_at) VALUES (1, 0)",
            &[],
        )
        .unwrap();
        assert_eq!(store.schema_version().unwrap(), 1);
        assert!(store
            .check_schema()
            .unwrap_err()
            .to_string()
            .contains("migrate"));
        let old = event("EV-OLD");
        store
            .transaction(|db| apply_one(db, &Write::Insert(old.clone())))
            .unwrap();
        assert_eq!(store.migrate().unwrap(), vec![2]);
        store.check_schema().unwrap();
        let leased = claim(&mut store, "w#0", now_ms());
        assert_eq!(leased.len(), 1);
        assert_eq!(leased[0].envelope.id, "EV-OLD");
        assert_eq!(
            leased[0].since, old.received_at,
            "never requeued: age from receipt"
        );
        // An inbox of a newer wechatpay-notify is refused, not changed.
        store
            .db
            .execute(
                "INSERT INTO wechatpay_notify_schema (version, applied_at) VALUES (99, 0)",
                &[],
            )
            .unwrap();
        assert!(store.migrate().unwrap_err().to_string().contains("newer"));
    }
}
