//! The inbox in PostgreSQL, for a fleet of `serve` processes: one connection per process,
//! reconnected after a failure, `synchronous_commit` on so a commit is durable when it
//! returns.

use std::collections::HashMap;
use std::time::Duration;

use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Statement};

use super::db::{Db, Dialect, Row, StoreError, Value};

/// A PostgreSQL connection.
pub struct PostgresDb {
    url: String,
    client: Option<Client>,
    statements: HashMap<String, Statement>,
}

impl PostgresDb {
    /// Connects to `url` (a `postgres://` connection string).
    pub fn open(url: &str) -> Result<PostgresDb, StoreError> {
        let mut db = PostgresDb {
            url: url.to_owned(),
            client: None,
            statements: HashMap::new(),
        };
        db.client()?;
        Ok(db)
    }

    /// The connection, made again if the last one failed.
    fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.statements.clear();
            // TLS to the database is left to the deployment (a local socket or a private
            // network); see docs/gateway.md.
            let mut config: postgres::Config = self.url.parse()?;
            // A dead server or a half-open connection fails a call rather than hanging it
            // (and with it every callback, the health check and shutdown).
            config
                .connect_timeout(Duration::from_secs(10))
                .keepalives_idle(Duration::from_secs(30))
                .tcp_user_timeout(Duration::from_secs(30));
            let mut client = config.connect(NoTls)?;
            client.batch_execute(
                "SET synchronous_commit TO on; SET statement_timeout TO '30s'; \
                 SET lock_timeout TO '10s'",
            )?;
            self.client = Some(client);
        }
        Ok(self.client.as_mut().expect("connected above"))
    }

    fn statement(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client()?.prepare(sql)?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

fn params(values: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    values
        .iter()
        .map(|v| -> &(dyn ToSql + Sync) {
            match v {
                Value::Int(x) => x,
                Value::Text(x) => x,
                Value::Bytes(x) => x,
            }
        })
        .collect()
}

impl Db for PostgresDb {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.client()?.batch_execute(sql)?)
    }

    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, StoreError> {
        let stmt = self.statement(sql)?;
        Ok(self.client()?.execute(&stmt, &params(values))?)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, StoreError> {
        let stmt = self.statement(sql)?;
        let rows = self.client()?.query(&stmt, &params(values))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let t = column.type_();
                values.push(if *t == Type::INT8 {
                    Value::Int(row.try_get(i)?)
                } else if *t == Type::INT4 {
                    Value::Int(row.try_get::<_, Option<i32>>(i)?.map(i64::from))
                } else if *t == Type::BYTEA {
                    Value::Bytes(row.try_get(i)?)
                } else {
                    Value::Text(row.try_get(i)?)
                });
            }
            out.push(Row(values));
        }
        Ok(out)
    }
}
