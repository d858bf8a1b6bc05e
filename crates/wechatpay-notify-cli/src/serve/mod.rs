//! `wechatpay-notify serve`: a verifying gateway with a durable inbox (`docs/gateway.md`).
//!
//! WeChat Pay's callbacks are verified and decrypted by the core, stored in the inbox
//! (SQLite, or PostgreSQL for a fleet) and answered 204 once stored; a worker forwards each
//! stored event to the merchant's application as a Standard Webhooks message, at least once,
//! retrying with backoff and dead-lettering what never succeeds. `wechatpay-notify inbox`
//! ([`commands`]) inspects and operates the inbox.

pub mod commands;
pub mod config;
pub mod deliver;
pub mod inbox;
pub mod metrics;
pub mod receive;
pub mod store;
pub mod webhook;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use wechatpay_notify::Verifier;

use self::config::{ServeConfig, StoreUrl};
use self::store::{now_ms, Store};
use crate::cli::ServeArgs;
use crate::error::{CliResult, Outcome, UsageError};

/// How long the request line and headers may take to arrive.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most connections served at once; more wait in the listen backlog.
const MAX_CONNECTIONS: usize = 4096;
/// hyper's read buffer per connection (request line and headers): WeChat Pay's are small.
const MAX_HEADER_BUFFER: usize = 64 * 1024;
/// How long SIGTERM waits for requests in flight before closing their connections.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
/// How often delivered events and rejections past `retention` are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// The verifier of the merchants of a `--config` file, with its `max_clock_skew`.
pub fn verifier(file: &Path) -> Result<Verifier, UsageError> {
    let loaded = crate::merchants::load(file)?;
    for note in &loaded.notes {
        tracing::warn!(note = note.as_str(), "configuration");
    }
    let mut builder = Verifier::builder()
        .max_clock_skew(Duration::from_secs(loaded.max_clock_skew.unwrap_or(300)));
    for merchant in loaded.merchants {
        builder = builder.merchant(merchant);
    }
    builder
        .build()
        .map_err(|e| UsageError::new(format!("{}: {}", file.display(), e.message())))
}

/// Opens the inbox of `url` and applies its migrations.
pub fn open_store(url: &StoreUrl, migrate: bool) -> Result<Store, UsageError> {
    let what = match url {
        StoreUrl::Sqlite(p) => p.display().to_string(),
        // The connection string may hold a password: not shown.
        StoreUrl::Postgres(_) => "the PostgreSQL store".to_owned(),
    };
    let mut store =
        Store::open(url).map_err(|e| UsageError::new(format!("cannot open {what}: {e}")))?;
    if migrate {
        store
            .migrate()
            .map_err(|e| UsageError::new(format!("{what}: migrating: {e}")))?;
    }
    store
        .check_schema()
        .map_err(|e| UsageError::new(format!("{what}: {e}")))?;
    Ok(store)
}

/// Locks `FILE.serve-lock` beside an SQLite inbox, or says which file another serve holds.
fn sqlite_lock(path: &Path) -> Result<std::fs::File, UsageError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".serve-lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&name)
        .map_err(|e| UsageError::new(format!("cannot open {}: {e}", name.to_string_lossy())))?;
    file.try_lock().map_err(|_| {
        UsageError::new(format!(
            "{}: another wechatpay-notify serve uses this inbox (an SQLite inbox has one serve; \
             a fleet shares PostgreSQL)",
            path.display()
        ))
    })?;
    Ok(file)
}

/// This process's name in leases and attempt records: `host:pid:random`.
fn worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".to_owned());
    format!("{host}:{}:{:08x}", std::process::id(), fastrand::u32(..))
}

/// JSON lines on standard error, one per event (tracing-subscriber).
fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The APIv2 verifier of `[serve] v2_key_file`, with its path.
fn v2_verifier(
    config: &ServeConfig,
) -> Result<Option<(String, wechatpay_notify::v2::V2Verifier)>, UsageError> {
    let Some((path, key_file)) = &config.v2 else {
        return Ok(None);
    };
    let (key, _) = crate::config::read_key_file(key_file)
        .map_err(|e| UsageError::new(format!("[serve] v2_key_file {}: {e}", key_file.display())))?;
    let v2 = wechatpay_notify::v2::V2Verifier::new(key.bytes()).map_err(|e| {
        UsageError::new(format!(
            "[serve] v2_key_file {}: {}",
            key_file.display(),
            e.message()
        ))
    })?;
    Ok(Some((path.clone(), v2)))
}

/// Runs `serve` until SIGTERM or SIGINT.
pub fn run(args: &ServeArgs) -> CliResult {
    init_logs();
    let verifier = verifier(&args.config)?;
    let mut config = config::load(&args.config, false)?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    let v2 = v2_verifier(&config)?;
    let (signal_tx, signal_rx) = std::sync::mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = signal_tx.send(());
    })
    .map_err(|e| UsageError::new(format!("signals: {e}")))?;
    let running = start(config, verifier, v2)?;
    let _ = signal_rx.recv();
    tracing::info!("stopping");
    // A second signal stops at once: everything answered 204 is committed, and deliveries
    // cut short are made again (at least once).
    std::thread::spawn(move || {
        if signal_rx.recv().is_ok() {
            tracing::warn!("second signal: exiting without waiting");
            std::process::exit(1);
        }
    });
    running.stop()?;
    tracing::info!("stopped");
    Ok(Outcome::Ok)
}

/// A gateway running on its own threads.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<Result<(), UsageError>>,
}

impl Running {
    /// Stops accepting, finishes the requests and deliveries in flight, closes the inbox.
    pub fn stop(self) -> Result<(), UsageError> {
        let _ = self.stop.send(());
        self.thread
            .join()
            .map_err(|_| UsageError::new("the gateway thread panicked"))?
    }
}

/// Opens the inbox, binds `config.listen` and starts the gateway (what `serve` runs, and
/// `demo` shows).
pub fn start(
    config: ServeConfig,
    verifier: Verifier,
    v2: Option<(String, wechatpay_notify::v2::V2Verifier)>,
) -> Result<Running, UsageError> {
    let mut store = open_store(&config.store, true)?;
    let lock = match &config.store {
        StoreUrl::Sqlite(path) => {
            // One serve per SQLite file, held by a lock on `FILE.serve-lock` for the process's
            // life: then the leases of a killed predecessor are void.
            let lock = sqlite_lock(path)?;
            store
                .release_leases()
                .map_err(|e| UsageError::new(format!("inbox: {e}")))?;
            Some(lock)
        }
        StoreUrl::Postgres(_) => None,
    };
    let listener = std::net::TcpListener::bind(config.listen)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| UsageError::new(format!("cannot listen on {}: {e}", config.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| UsageError::new(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Every delivery in flight holds a blocking thread for up to forward_timeout.
        .max_blocking_threads(config.concurrency + 64)
        .build()
        .map_err(|e| UsageError::new(format!("cannot start the runtime: {e}")))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("gateway".to_owned())
        .spawn(move || {
            let (inbox, inbox_thread) = inbox::Inbox::start(store);
            let result = runtime.block_on(serve(
                Arc::new(config),
                verifier,
                v2,
                inbox,
                listener,
                async move {
                    let _ = stopped.await;
                },
            ));
            // Every handle to the inbox goes with the runtime's tasks: the inbox thread
            // finishes its last batch and ends.
            drop(runtime);
            let _ = inbox_thread.join();
            drop(lock);
            result
        })
        .map_err(|e| UsageError::new(format!("cannot start the gateway thread: {e}")))?;
    Ok(Running { addr, stop, thread })
}

async fn serve(
    config: Arc<ServeConfig>,
    verifier: Verifier,
    v2: Option<(String, wechatpay_notify::v2::V2Verifier)>,
    inbox: inbox::Inbox,
    listener: std::net::TcpListener,
    stopped: impl std::future::Future<Output = ()>,
) -> Result<(), UsageError> {
    let listener = TcpListener::from_std(listener).map_err(|e| UsageError::new(e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| UsageError::new(e.to_string()))?;
    let metrics = Arc::new(metrics::Metrics::new());
    let wake = Arc::new(Notify::new());
    let gateway = Arc::new(receive::Gateway {
        config: config.clone(),
        verifier,
        v2,
        inbox: inbox.clone(),
        metrics: metrics.clone(),
        wake: wake.clone(),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = Arc::new(deliver::Worker {
        config: config.clone(),
        inbox: inbox.clone(),
        metrics,
        wake,
        name: worker_name(),
        next_retry: std::sync::atomic::AtomicI64::new(i64::MAX),
        claims: std::sync::atomic::AtomicU64::new(0),
    });
    tracing::info!(
        addr = %addr,
        path = config.path.as_str(),
        path_v2 = config.v2.as_ref().map(|(p, _)| p.as_str()),
        store = config.store.kind(),
        worker = worker.name.as_str(),
        version = wechatpay_notify::VERSION,
        backend = wechatpay_notify::BACKEND,
        "listening"
    );
    let delivering = tokio::spawn(worker.run(stop_rx.clone()));
    let pruning = tokio::spawn(prune(inbox.clone(), config.retention, stop_rx));
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(stopped);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut stopped => break,
        };
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, source) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                connection(&graceful, gateway.clone(), stream, source, slot);
            }
            () = &mut stopped => break,
        }
    }
    // No new connections; requests in flight finish (each stored before it is answered).
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after the drain timeout were cut");
    }
    // Deliveries in flight finish and record their outcome.
    let _ = stop_tx.send(true);
    let _ = delivering.await;
    let _ = pruning.await;
    Ok(())
}

/// Serves one connection, under the graceful shutdown.
fn connection(
    graceful: &GracefulShutdown,
    gateway: Arc<receive::Gateway>,
    stream: tokio::net::TcpStream,
    source: SocketAddr,
    slot: tokio::sync::OwnedSemaphorePermit,
) {
    let handler = gateway.clone();
    let service = service_fn(move |req| {
        let handler = handler.clone();
        async move { Ok::<_, std::convert::Infallible>(handler.handle(req, source).await) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEADER_BUFFER)
        .serve_connection(TokioIo::new(stream), service);
    let conn = graceful.watch(conn);
    tokio::spawn(async move {
        let _slot = slot;
        if let Err(e) = conn.await {
            // hyper answered 400 (or closed) on its own; the refusal is still recorded.
            if e.is_parse() || e.is_parse_too_large() || e.is_parse_status() {
                gateway.refused(
                    receive::Refusal::MalformedHttp.code(),
                    &format!("not an HTTP/1.1 request: {e}"),
                    source,
                    "-",
                    "-",
                );
            }
            // A timeout here is an idle keep-alive connection closed after HEADER_TIMEOUT, or
            // headers that never finished: the two look the same, and neither is a callback.
        }
    });
}

/// Deletes what is past `retention`, at start and then hourly.
async fn prune(inbox: inbox::Inbox, retention: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        let before = now_ms() - retention.as_millis() as i64;
        match inbox.read(move |s| s.prune(before)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "pruned past retention"),
            Err(e) => tracing::warn!(error = %e, "pruning failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(PRUNE_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}
