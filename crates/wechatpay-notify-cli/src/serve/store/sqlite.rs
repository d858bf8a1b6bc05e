//! The inbox in an SQLite file: WAL mode with `synchronous=FULL`, so a commit is on disk when
//! it returns. SQLite is compiled into the command (rusqlite's `bundled`).

use std::path::Path;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::Connection;

use super::db::{Db, Dialect, Row, StoreError, Value};

/// An SQLite connection.
pub struct SqliteDb {
    conn: Connection,
}

impl SqliteDb {
    /// Opens (creating if needed) the file, in WAL mode with full synchronisation.
    pub fn open(path: &Path) -> Result<SqliteDb, StoreError> {
        // The inbox holds decrypted resources: readable by its owner only (SQLite gives the
        // WAL and shared-memory files the same permissions).
        if !path.exists() {
            use std::os::unix::fs::OpenOptionsExt as _;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| {
                    StoreError::Schema(format!("cannot create {}: {e}", path.display()))
                })?;
        }
        let conn = Connection::open(path)?;
        // Another process (an `inbox` command) may hold the write lock for a moment.
        conn.busy_timeout(Duration::from_secs(10))?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Schema(format!(
                "{}: SQLite would not switch to WAL mode (it is in {mode} mode)",
                path.display()
            )));
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(SqliteDb { conn })
    }
}

/// `$1` → `?1`: SQLite reads `$1` as a named parameter, `?1` as the numbered one.
fn numbered(sql: &str) -> String {
    sql.replace('$', "?")
}

struct Param<'a>(&'a Value);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Int(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Value::Bytes(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
            Value::Int(None) | Value::Text(None) | Value::Bytes(None) => {
                ToSqlOutput::Borrowed(ValueRef::Null)
            }
        })
    }
}

impl Db for SqliteDb {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch(sql)?)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let mut stmt = self.conn.prepare_cached(&numbered(sql))?;
        let params: Vec<Param<'_>> = params.iter().map(Param).collect();
        Ok(stmt.execute(rusqlite::params_from_iter(params.iter()))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&numbered(sql))?;
        let columns = stmt.column_count();
        let params: Vec<Param<'_>> = params.iter().map(Param).collect();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(match row.get_ref(i)? {
                    ValueRef::Null => Value::Int(None),
                    ValueRef::Integer(v) => Value::Int(Some(v)),
                    ValueRef::Real(v) => Value::Int(Some(v as i64)),
                    ValueRef::Text(t) => Value::Text(Some(String::from_utf8_lossy(t).into_owned())),
                    ValueRef::Blob(b) => Value::Bytes(Some(b.to_vec())),
                });
            }
            out.push(Row(values));
        }
        Ok(out)
    }
}
