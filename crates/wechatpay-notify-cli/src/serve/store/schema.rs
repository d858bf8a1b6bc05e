//! The inbox's schema, as numbered migrations applied in order and recorded in
//! `wechatpay_notify_schema`. A migration is never edited once released; a change is a new
//! one.

use super::db::Dialect;

/// One migration: its version and its statements, `{int}`, `{blob}` and `{rowid}` written for
/// the dialect.
pub struct Migration {
    /// Its version, from 1 without gaps.
    pub version: i64,
    /// What it does, for `inbox migrate`.
    pub name: &'static str,
    sql: &'static str,
}

impl Migration {
    /// Its statements in `dialect`.
    pub fn sql(&self, dialect: Dialect) -> String {
        let (int, blob, rowid) = match dialect {
            Dialect::Sqlite => ("INTEGER", "BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT"),
            Dialect::Postgres => ("BIGINT", "BYTEA", "BIGSERIAL PRIMARY KEY"),
        };
        self.sql
            .replace("{int}", int)
            .replace("{blob}", blob)
            .replace("{rowid}", rowid)
    }
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "events, delivery attempts and rejections",
        sql: "
CREATE TABLE wechatpay_notify_events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    event_type TEXT NOT NULL,
    mchid TEXT,
    create_time TEXT NOT NULL,
    summary TEXT NOT NULL,
    plaintext TEXT NOT NULL,
    raw_request {blob} NOT NULL,
    source TEXT NOT NULL,
    received_at {int} NOT NULL,
    status TEXT NOT NULL,
    attempts {int} NOT NULL,
    next_attempt_at {int} NOT NULL,
    lease_owner TEXT,
    lease_until {int},
    last_error TEXT,
    delivered_at {int}
);
CREATE INDEX wechatpay_notify_events_due ON wechatpay_notify_events (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX wechatpay_notify_events_received ON wechatpay_notify_events (received_at);
CREATE TABLE wechatpay_notify_attempts (
    event_id TEXT NOT NULL,
    attempt {int} NOT NULL,
    at {int} NOT NULL,
    ok {int} NOT NULL,
    status {int},
    error TEXT,
    worker TEXT NOT NULL,
    duration_ms {int} NOT NULL
);
CREATE INDEX wechatpay_notify_attempts_event ON wechatpay_notify_attempts (event_id);
CREATE TABLE wechatpay_notify_rejections (
    id {rowid},
    at {int} NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    source TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL
);
CREATE INDEX wechatpay_notify_rejections_at ON wechatpay_notify_rejections (at);
",
    },
    Migration {
        version: 2,
        name: "requeue time: max_age counts from the last replay or retry-dead",
        sql: "ALTER TABLE wechatpay_notify_events ADD COLUMN requeued_at {int};",
    },
];

/// The statement creating the table that records applied migrations, if missing.
pub fn schema_table(dialect: Dialect) -> String {
    let int = match dialect {
        Dialect::Sqlite => "INTEGER",
        Dialect::Postgres => "BIGINT",
    };
    format!(
        "CREATE TABLE IF NOT EXISTS wechatpay_notify_schema (version {int} PRIMARY KEY, \
         applied_at {int} NOT NULL)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(!m.sql(Dialect::Postgres).contains('{'));
            assert!(!m.sql(Dialect::Sqlite).contains('{'));
        }
    }
}
