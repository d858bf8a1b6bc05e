//! The little the inbox needs of a SQL database, for SQLite and PostgreSQL alike: statements
//! with `$1`-style parameters, rows of integers, text and bytes, and transactions.

use std::fmt;

/// The SQL dialect of a connection, where the two differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite 3 (bundled).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A parameter or a column value. Each carries its type even when null, because PostgreSQL
/// types every parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A 64-bit integer (`BIGINT`).
    Int(Option<i64>),
    /// Text (`TEXT`).
    Text(Option<String>),
    /// Bytes (`BLOB` / `BYTEA`).
    Bytes(Option<Vec<u8>>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Some(v))
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_owned()))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Some(v))
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Value {
        Value::Text(v)
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Value {
        Value::Text(v.map(str::to_owned))
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Bytes(Some(v))
    }
}

/// A row of a query, its columns in the order of the `SELECT`.
#[derive(Clone, Debug, Default)]
pub struct Row(pub Vec<Value>);

impl Row {
    /// Column `i` as an integer (null and other types give `None`).
    pub fn int(&self, i: usize) -> Option<i64> {
        match self.0.get(i) {
            Some(Value::Int(v)) => *v,
            _ => None,
        }
    }

    /// Column `i` as text (null and other types give `None`).
    pub fn text(&self, i: usize) -> Option<String> {
        match self.0.get(i) {
            Some(Value::Text(v)) => v.clone(),
            Some(Value::Bytes(Some(b))) => String::from_utf8(b.clone()).ok(),
            _ => None,
        }
    }

    /// Column `i` as bytes.
    pub fn bytes(&self, i: usize) -> Option<Vec<u8>> {
        match self.0.get(i) {
            Some(Value::Bytes(v)) => v.clone(),
            Some(Value::Text(Some(t))) => Some(t.clone().into_bytes()),
            _ => None,
        }
    }
}

/// Why the inbox could not be read or written. Its message names the database's complaint,
/// never a key or a plaintext (the inbox's statements carry neither in their text).
#[derive(Debug)]
pub enum StoreError {
    /// SQLite refused.
    Sqlite(rusqlite::Error),
    /// PostgreSQL refused, or the connection failed.
    Postgres(postgres::Error),
    /// The database holds a schema this version does not know.
    Schema(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "SQLite: {e}"),
            StoreError::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "PostgreSQL: {}", db.message()),
                None => write!(f, "PostgreSQL: {e}"),
            },
            StoreError::Schema(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Sqlite(e)
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        StoreError::Postgres(e)
    }
}

/// A connection to the inbox's database.
pub trait Db: Send {
    /// Its dialect.
    fn dialect(&self) -> Dialect;
    /// Runs statements without parameters (`BEGIN`, a migration).
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
    /// Runs one statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    /// Runs one query; its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    /// Starts a transaction that writes.
    fn begin(&mut self) -> Result<(), StoreError> {
        match self.dialect() {
            // Takes the write lock at once, so that the transaction never fails half-way
            // for another writer.
            Dialect::Sqlite => self.batch("BEGIN IMMEDIATE"),
            Dialect::Postgres => self.batch("BEGIN"),
        }
    }
    /// Commits; durable when it returns (SQLite `synchronous=FULL`, PostgreSQL
    /// `synchronous_commit=on`).
    fn commit(&mut self) -> Result<(), StoreError> {
        self.batch("COMMIT")
    }
    /// Rolls back, ignoring a failure (the connection may be gone).
    fn rollback(&mut self) {
        let _ = self.batch("ROLLBACK");
    }
}
