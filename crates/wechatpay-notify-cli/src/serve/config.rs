//! The `[serve]` table of a `--config` file (`docs/gateway.md`, "Configuration").
//!
//! The merchants of the same file are read by [`crate::merchants`]; this module reads only the
//! gateway's own settings. Relative paths (the inbox file, the forwarding secret) are relative
//! to the file's directory, as the merchants' key files are. The forwarding secret is read from
//! its file and never printed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;
use wechatpay_notify::EventKind;

use crate::error::UsageError;

/// The prefix of a Standard Webhooks secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// The longest delay between two attempts.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(7 * 86400);
/// The shortest `retention`: longer than WeChat Pay's retries of one callback (about a day).
const MIN_RETENTION: Duration = Duration::from_secs(2 * 86400);
/// The fewest random bytes a forwarding secret may hold (Standard Webhooks: 24 to 64).
const MIN_SECRET_BYTES: usize = 24;
/// The most random bytes a forwarding secret may hold.
const MAX_SECRET_BYTES: usize = 64;

/// Where the inbox lives. Its `Debug` does not show a PostgreSQL connection string (it may
/// hold a password).
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// An SQLite file, embedded: one `serve` process per file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string, for a fleet of `serve` processes.
    Postgres(String),
}

impl StoreUrl {
    /// Reads `store = "…"`: `sqlite://PATH` (relative to `base`; `sqlite:///abs` absolute) or
    /// `postgres://…` / `postgresql://…`.
    pub fn parse(text: &str, base: &Path) -> Result<StoreUrl, String> {
        if let Some(path) = text.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://inbox.db".to_owned());
            }
            return Ok(StoreUrl::Sqlite(base.join(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres(text.to_owned()));
        }
        Err("must start with sqlite:// (a file) or postgres:// (a server)".to_owned())
    }

    /// `sqlite` or `postgres`, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreUrl::Sqlite(_) => "sqlite",
            StoreUrl::Postgres(_) => "postgres",
        }
    }
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreUrl::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            StoreUrl::Postgres(_) => f.write_str("Postgres(…)"),
        }
    }
}

/// A `[[serve.route]]`: events of a kind and/or merchant go to another URL.
#[derive(Clone, Debug)]
pub struct Route {
    /// The kind it matches, or any.
    pub kind: Option<EventKind>,
    /// The merchant it matches, or any.
    pub mchid: Option<String>,
    /// Where matching events are forwarded.
    pub forward_to: String,
}

/// The gateway's settings, every default applied and every value checked. Not `Debug`: it
/// holds the forwarding secret.
#[derive(Clone)]
pub struct ServeConfig {
    /// Where the notify URL is served.
    pub listen: SocketAddr,
    /// The APIv3 notify path.
    pub path: String,
    /// The APIv2 notify path and the file of the APIv2 key, when APIv2 callbacks are taken.
    pub v2: Option<(String, PathBuf)>,
    /// The inbox.
    pub store: StoreUrl,
    /// Where events go unless a route says otherwise.
    pub forward_to: String,
    /// Routes, first match wins.
    pub routes: Vec<Route>,
    /// The HMAC key of the Standard Webhooks signature (the secret's bytes after `whsec_`).
    pub secret: Vec<u8>,
    /// How long one delivery may take.
    pub forward_timeout: Duration,
    /// Attempts before an event is dead-lettered.
    pub max_attempts: u32,
    /// Age after which a failed event is dead-lettered.
    pub max_age: Duration,
    /// The delay before the first retry.
    pub retry_initial: Duration,
    /// The longest delay between retries.
    pub retry_max: Duration,
    /// How long a worker owns an event it is delivering.
    pub lease: Duration,
    /// Deliveries in flight per process.
    pub concurrency: usize,
    /// How often a worker looks for due events.
    pub poll_interval: Duration,
    /// Time allowed to receive a request's body.
    pub body_timeout: Duration,
    /// How long delivered events and rejections are kept.
    pub retention: Duration,
}

/// `[serve]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    listen: Option<String>,
    path: Option<String>,
    path_v2: Option<String>,
    v2_key_file: Option<String>,
    store: Option<String>,
    forward_to: Option<String>,
    forward_secret_file: Option<String>,
    forward_timeout: Option<String>,
    max_attempts: Option<u32>,
    max_age: Option<String>,
    retry_initial: Option<String>,
    retry_max: Option<String>,
    lease: Option<String>,
    concurrency: Option<usize>,
    poll_interval: Option<String>,
    body_timeout: Option<String>,
    retention: Option<String>,
    #[serde(default)]
    route: Vec<RawRoute>,
}

/// `[[serve.route]]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    kind: Option<String>,
    mchid: Option<String>,
    forward_to: String,
}

/// The `[serve]` table of the top level, if any.
#[derive(Deserialize)]
struct Top {
    serve: Option<toml::Value>,
}

/// Reads `[serve]` of `file`. `store_only` skips what only `serve` needs (the forwarding
/// target and secret), for the `inbox` commands.
pub fn load(file: &Path, store_only: bool) -> Result<ServeConfig, UsageError> {
    let at = |field: &str, problem: &dyn std::fmt::Display| {
        UsageError::new(format!("{}: [serve] {field}: {problem}", file.display()))
    };
    let text = std::fs::read_to_string(file).map_err(|e| {
        UsageError::new(format!("--config {}: cannot read it: {e}", file.display()))
    })?;
    // The merchants were read (and the TOML checked, without quoting values) before this.
    let top: Top = toml::from_str(&text)
        .map_err(|_| UsageError::new(format!("{}: not valid TOML", file.display())))?;
    let Some(table) = top.serve else {
        return Err(UsageError::new(format!(
            "{}: no [serve] table: add one with at least store = \"sqlite://inbox.db\", \
             forward_to = \"http://127.0.0.1:9000/wechatpay/events\" and forward_secret_file \
             (docs/gateway.md)",
            file.display()
        )));
    };
    let raw: Raw = table.try_into().map_err(|e: toml::de::Error| {
        UsageError::new(format!("{}: [serve]: {}", file.display(), e.message()))
    })?;
    let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let duration = |field: &str, value: &Option<String>, default: &str| {
        humantime::parse_duration(value.as_deref().unwrap_or(default)).map_err(|e| {
            at(
                field,
                &format!("{e}; write e.g. \"500ms\", \"10s\", \"3d\""),
            )
        })
    };
    let listen = raw.listen.as_deref().unwrap_or("127.0.0.1:8080");
    let listen: SocketAddr = listen.parse().map_err(|_| {
        at(
            "listen",
            &"must be an address and port, e.g. 127.0.0.1:8080",
        )
    })?;
    let path = raw.path.unwrap_or_else(|| "/wechatpay/notify".to_owned());
    if !path.starts_with('/') {
        return Err(at("path", &"must start with /"));
    }
    if path == "/healthz" || path == "/metrics" {
        return Err(at("path", &"/healthz and /metrics are the gateway's own"));
    }
    let v2 = match (raw.v2_key_file, raw.path_v2) {
        (None, None) => None,
        (None, Some(_)) => {
            return Err(at(
                "path_v2",
                &"APIv2 callbacks need the APIv2 key: v2_key_file = \"apiv2.key\"",
            ))
        }
        (Some(key), path_v2) => {
            let path_v2 = path_v2.unwrap_or_else(|| format!("{}/v2", path.trim_end_matches('/')));
            if !path_v2.starts_with('/')
                || [path.as_str(), "/healthz", "/metrics"].contains(&path_v2.as_str())
            {
                return Err(at(
                    "path_v2",
                    &"must start with / and differ from path, /healthz and /metrics",
                ));
            }
            Some((path_v2, base.join(key)))
        }
    };
    let store = raw
        .store
        .as_deref()
        .ok_or_else(|| at("store", &"missing: e.g. store = \"sqlite://inbox.db\""))?;
    let store = StoreUrl::parse(store, &base).map_err(|e| at("store", &e))?;
    let (forward_to, secret) = if store_only {
        (raw.forward_to.unwrap_or_default(), Vec::new())
    } else {
        let forward_to = raw.forward_to.ok_or_else(|| {
            at(
                "forward_to",
                &"missing: the URL of your application that receives the events",
            )
        })?;
        check_url(&forward_to).map_err(|e| at("forward_to", &e))?;
        let secret_file = raw.forward_secret_file.ok_or_else(|| {
            at(
                "forward_secret_file",
                &"missing: a file holding the Standard Webhooks secret (whsec_…)",
            )
        })?;
        let secret =
            read_secret(&base.join(&secret_file)).map_err(|e| at("forward_secret_file", &e))?;
        (forward_to, secret)
    };
    let mut routes = Vec::new();
    for (i, r) in raw.route.into_iter().enumerate() {
        let field = format!("route[{i}]");
        let kind = r
            .kind
            .map(|k| crate::cli::parse_event_kind(&k))
            .transpose()
            .map_err(|e| at(&format!("{field}.kind"), &e))?;
        check_url(&r.forward_to).map_err(|e| at(&format!("{field}.forward_to"), &e))?;
        routes.push(Route {
            kind,
            mchid: r.mchid,
            forward_to: r.forward_to,
        });
    }
    let max_attempts = raw.max_attempts.unwrap_or(15);
    if max_attempts == 0 {
        return Err(at("max_attempts", &"must be at least 1"));
    }
    let concurrency = raw.concurrency.unwrap_or(16);
    if concurrency == 0 || concurrency > 1024 {
        return Err(at("concurrency", &"must be from 1 to 1024"));
    }
    let forward_timeout = duration("forward_timeout", &raw.forward_timeout, "10s")?;
    let lease = duration("lease", &raw.lease, "60s")?;
    if lease < forward_timeout * 2 {
        return Err(at(
            "lease",
            &format!(
                "must be at least twice forward_timeout ({}): a delivery still running when its \
                 lease ends is made again by another worker",
                humantime::format_duration(forward_timeout)
            ),
        ));
    }
    let poll_interval = duration("poll_interval", &raw.poll_interval, "1s")?;
    if poll_interval < Duration::from_millis(10) {
        return Err(at("poll_interval", &"must be at least 10ms"));
    }
    let retry_initial = duration("retry_initial", &raw.retry_initial, "10s")?;
    let retry_max = duration("retry_max", &raw.retry_max, "1h")?;
    if retry_initial.is_zero() || retry_max < retry_initial || retry_max > MAX_RETRY_DELAY {
        return Err(at(
            "retry_max",
            &"must be at least retry_initial (itself above 0) and at most 7d",
        ));
    }
    let retention = duration("retention", &raw.retention, "30d")?;
    if retention < MIN_RETENTION {
        return Err(at(
            "retention",
            &"must be at least 2d: WeChat Pay retries a callback for about a day, and a retry \
              of a pruned event would be stored and forwarded again",
        ));
    }
    Ok(ServeConfig {
        listen,
        path,
        v2,
        store,
        forward_to,
        routes,
        secret,
        forward_timeout,
        max_attempts,
        max_age: duration("max_age", &raw.max_age, "3d")?,
        retry_initial,
        retry_max,
        lease,
        concurrency,
        poll_interval,
        body_timeout: duration("body_timeout", &raw.body_timeout, "10s")?,
        retention,
    })
}

/// An http:// or https:// URL with a host.
fn check_url(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("must be an http:// or https:// URL".to_owned());
    }
    Ok(())
}

/// Reads a `whsec_…` secret file (one trailing newline ignored) into the HMAC key.
fn read_secret(path: &Path) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = text.strip_suffix('\n').unwrap_or(&text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    let encoded = text.strip_prefix(SECRET_PREFIX).ok_or_else(|| {
        format!(
            "{}: a Standard Webhooks secret starts with {SECRET_PREFIX} (value not shown)",
            path.display()
        )
    })?;
    let key = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| {
            format!(
                "{}: after {SECRET_PREFIX} comes base64 (value not shown)",
                path.display()
            )
        })?;
    if !(MIN_SECRET_BYTES..=MAX_SECRET_BYTES).contains(&key.len()) {
        return Err(format!(
            "{}: the secret holds {} bytes; Standard Webhooks secrets hold {MIN_SECRET_BYTES} to \
             {MAX_SECRET_BYTES} random bytes",
            path.display(),
            key.len()
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls() {
        let base = Path::new("/etc/wpn");
        assert_eq!(
            StoreUrl::parse("sqlite://inbox.db", base),
            Ok(StoreUrl::Sqlite(PathBuf::from("/etc/wpn/inbox.db")))
        );
        assert_eq!(
            StoreUrl::parse("sqlite:///var/lib/inbox.db", base),
            Ok(StoreUrl::Sqlite(PathBuf::from("/var/lib/inbox.db")))
        );
        assert!(matches!(
            StoreUrl::parse("postgresql://u@h/db", base),
            Ok(StoreUrl::Postgres(_))
        ));
        assert!(StoreUrl::parse("mysql://x", base).is_err());
        assert!(StoreUrl::parse("sqlite://", base).is_err());
    }

    fn load_serve(extra: &str) -> Result<ServeConfig, String> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("wpn.toml");
        std::fs::write(
            &file,
            format!("[serve]\nstore = \"sqlite://x.db\"\n{extra}"),
        )
        .unwrap();
        load(&file, true).map_err(|e| e.message().to_owned())
    }

    fn refused(extra: &str) -> String {
        load_serve(extra)
            .err()
            .expect("the configuration is refused")
    }

    #[test]
    fn limits_are_checked() {
        let c = load_serve("").unwrap();
        assert_eq!(
            (c.lease, c.forward_timeout),
            (Duration::from_secs(60), Duration::from_secs(10))
        );
        assert!(load_serve("lease = \"20s\"").is_ok());
        assert!(refused("lease = \"19s\"").contains("twice forward_timeout"));
        assert!(refused("retention = \"1d\"").contains("at least 2d"));
        assert!(refused("poll_interval = \"0s\"").contains("10ms"));
        assert!(refused("retry_max = \"30d\"").contains("7d"));
        assert!(refused("retry_initial = \"2h\"").contains("retry_max"));
        assert!(refused("path_v2 = \"/v2\"").contains("v2_key_file"));
        assert!(refused("bogus = 1").contains("bogus"));
        let debug = format!(
            "{:?}",
            StoreUrl::Postgres("postgres://u:hunter2@h/db".to_owned())
        );
        assert!(!debug.contains("hunter2"));
    }

    #[test]
    fn secrets() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s");
        let key = [7u8; 32];
        let encoded = base64::engine::general_purpose::STANDARD.encode(key);
        std::fs::write(&file, format!("whsec_{encoded}\n")).unwrap();
        assert_eq!(read_secret(&file).unwrap(), key);
        std::fs::write(&file, &encoded).unwrap();
        let e = read_secret(&file).unwrap_err();
        assert!(e.contains("starts with whsec_") && !e.contains(&encoded));
        std::fs::write(&file, "whsec_AAAA").unwrap();
        assert!(read_secret(&file).unwrap_err().contains("3 bytes"));
    }
}
