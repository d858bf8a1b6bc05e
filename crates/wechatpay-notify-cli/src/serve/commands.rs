//! `wechatpay-notify inbox`: look into and operate the inbox of a `serve` configuration
//! (`docs/gateway.md`, "Operating"). Each command prints text, or one JSON document with
//! `--json`; none prints a key, and only `show --resource` prints a decrypted resource.

use serde_json::json;

use super::config;
use super::store::{now_ms, EventRow, Replay, Store};
use crate::cli::{InboxArgs, InboxCommand};
use crate::error::{CliResult, Outcome, UsageError};
use crate::timefmt;

fn store_error(e: impl std::fmt::Display) -> UsageError {
    UsageError::new(format!("inbox: {e}"))
}

/// Runs an `inbox` subcommand.
pub fn run(args: &InboxArgs, json: bool) -> CliResult {
    let config = config::load(&args.config, true)?;
    let migrating = matches!(args.command, InboxCommand::Migrate);
    if migrating {
        let mut store = Store::open(&config.store).map_err(store_error)?;
        let applied = store.migrate().map_err(store_error)?;
        let version = store.schema_version().map_err(store_error)?;
        if json {
            println!("{}", json!({"schema_version": version, "applied": applied}));
        } else if applied.is_empty() {
            println!("schema version {version}: up to date");
        } else {
            println!("schema version {version}: applied {applied:?}");
        }
        return Ok(Outcome::Ok);
    }
    let mut store = super::open_store(&config.store, false)?;
    match &args.command {
        InboxCommand::Migrate => unreachable!("handled above"),
        InboxCommand::List { status, limit } => {
            let status = status.as_deref().filter(|s| *s != "all");
            let rows = store.list(status, *limit).map_err(store_error)?;
            if json {
                println!("{}", serde_json::to_string(&rows).expect("rows serialize"));
            } else {
                for row in &rows {
                    println!("{}", line(row));
                }
                println!("{} event(s)", rows.len());
            }
            Ok(Outcome::Ok)
        }
        InboxCommand::Show { id, resource, raw } => {
            let Some((row, attempts, plaintext, request)) = store.show(id).map_err(store_error)?
            else {
                if json {
                    println!("{}", json!({"ok": false, "error": "not_found", "id": id}));
                } else {
                    eprintln!("no event {id} in the inbox");
                }
                return Ok(Outcome::Problem);
            };
            if *raw {
                use std::io::Write as _;
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(&request);
                return Ok(Outcome::Ok);
            }
            if json {
                let mut value = serde_json::to_value(&row).expect("a row serializes");
                value["attempt_log"] = serde_json::to_value(&attempts).expect("serializes");
                if *resource {
                    value["resource"] = serde_json::from_str(&plaintext)
                        .unwrap_or(serde_json::Value::String(plaintext));
                }
                println!("{value}");
            } else {
                println!("{}", line(&row));
                println!(
                    "  create_time {}  summary {}",
                    row.envelope.create_time, row.envelope.summary
                );
                println!("  from {}", row.source);
                if let Some(e) = &row.last_error {
                    println!("  last error: {e}");
                }
                for a in &attempts {
                    println!(
                        "  attempt {} at {} by {}: {} in {} ms{}",
                        a.attempt,
                        timefmt::utc(a.at_ms / 1000),
                        a.worker,
                        a.status
                            .map_or("no reply".to_owned(), |s| format!("HTTP {s}")),
                        a.duration_ms,
                        a.error
                            .as_deref()
                            .map(|e| format!(" ({e})"))
                            .unwrap_or_default()
                    );
                }
                if *resource {
                    println!("  resource: {plaintext}");
                }
            }
            Ok(Outcome::Ok)
        }
        InboxCommand::Replay { id } => {
            let outcome = store.replay(id).map_err(store_error)?;
            let (status, text) = match outcome {
                Replay::Requeued => ("pending", format!("{id}: pending again, due now")),
                Replay::AlreadyPending => (
                    "already_pending",
                    format!("{id} is pending already (being delivered, or due): not replayed"),
                ),
                Replay::NotFound => ("not_found", format!("no event {id} in the inbox")),
            };
            if json {
                if outcome == Replay::Requeued {
                    println!("{}", json!({"id": id, "status": status}));
                } else {
                    println!("{}", json!({"ok": false, "error": status, "id": id}));
                }
            } else if outcome == Replay::Requeued {
                println!("{text}");
            } else {
                eprintln!("{text}");
            }
            Ok(Outcome::from_ok(outcome == Replay::Requeued))
        }
        InboxCommand::RetryDead => {
            let n = store.retry_dead().map_err(store_error)?;
            if json {
                println!("{}", json!({"requeued": n}));
            } else {
                println!("{n} dead event(s) pending again, due now");
            }
            Ok(Outcome::Ok)
        }
        InboxCommand::Stats => {
            let stats = store.stats().map_err(store_error)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&stats).expect("stats serialize")
                );
            } else {
                println!(
                    "{} inbox, schema version {}",
                    stats.store, stats.schema_version
                );
                println!(
                    "events: {} pending, {} delivered, {} dead",
                    stats.pending, stats.delivered, stats.dead
                );
                if let Some(age) = stats.oldest_pending_age_seconds {
                    println!("oldest pending: {age:.1} s");
                }
                for (code, n) in &stats.rejections {
                    println!("rejected {code}: {n}");
                }
            }
            Ok(Outcome::Ok)
        }
        InboxCommand::Rejections { limit } => {
            let rows = store.rejections(*limit).map_err(store_error)?;
            if json {
                println!("{}", serde_json::to_string(&rows).expect("rows serialize"));
            } else {
                for r in &rows {
                    println!(
                        "{}  {:<20} {} {} from {}: {}",
                        timefmt::utc(r.at_ms / 1000),
                        r.code,
                        r.method,
                        r.path,
                        r.source,
                        r.message
                    );
                }
                println!("{} rejection(s)", rows.len());
            }
            Ok(Outcome::Ok)
        }
    }
}

/// One event on one line.
fn line(row: &EventRow) -> String {
    let when = match row.status.as_str() {
        "pending" => row
            .next_attempt_at_ms
            .map(|t| format!("next attempt in {} s", ((t - now_ms()).max(0)) / 1000))
            .unwrap_or_default(),
        "delivered" => row
            .delivered_at_ms
            .map(|t| format!("delivered {}", timefmt::utc(t / 1000)))
            .unwrap_or_default(),
        _ => row.last_error.clone().unwrap_or_default(),
    };
    format!(
        "{}  {:<9} {:<22} {:<24} received {}  attempts {}  {when}",
        row.envelope.id,
        row.status,
        row.envelope.kind,
        row.envelope.event_type,
        timefmt::utc(row.received_at_ms / 1000),
        row.attempts
    )
}
