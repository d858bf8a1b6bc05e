//! Load for `wechatpay-notify serve`: how many callbacks per second it accepts, and how long
//! each waits for its 204 (durable in the inbox), against the bare `parse` of the same
//! callbacks in this process (`docs/gateway.md`, "Performance").
//!
//! ```text
//! cargo run --release --example serve_load -- --serve target/release/wechatpay-notify \
//!     --store sqlite --count 5000 --rate 1000
//! ```
//!
//! It makes a testing kit, writes a configuration for its keys, starts `serve` on loopback
//! (forwarding to a receiver of its own that answers 204), sends `--count` distinct signed
//! callbacks from `--concurrency` connections (at `--rate` per second, latency measured from
//! each request's scheduled time; or as fast as answered with `--rate 0`), waits until every
//! event was forwarded, and prints one line of figures and one JSON line. Bounded: it gives up
//! after `--deadline` seconds.

use std::io::BufRead as _;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wechatpay_notify::testing::{Callback, Kit};
use wechatpay_notify::EventKind;

struct Args {
    serve: String,
    store: String,
    count: usize,
    rate: f64,
    concurrency: usize,
    deadline: Duration,
}

fn args() -> Args {
    let mut a = Args {
        serve: "target/release/wechatpay-notify".to_owned(),
        store: "sqlite".to_owned(),
        count: 5000,
        rate: 1000.0,
        concurrency: 32,
        deadline: Duration::from_secs(120),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--serve" => a.serve = value,
            "--store" => a.store = value,
            "--count" => a.count = value.parse().expect("--count N"),
            "--rate" => a.rate = value.parse().expect("--rate PER_SECOND"),
            "--concurrency" => a.concurrency = value.parse().expect("--concurrency N"),
            "--deadline" => a.deadline = Duration::from_secs(value.parse().expect("--deadline S")),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

/// A receiver that answers 204 to everything and counts; its port.
fn receiver(count: Arc<AtomicUsize>) -> u16 {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind the receiver"));
    let port = server.server_addr().to_ip().expect("an IP address").port();
    for _ in 0..4 {
        let (server, count) = (server.clone(), count.clone());
        std::thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let mut sink = Vec::new();
                let _ = std::io::Read::read_to_end(request.as_reader(), &mut sink);
                count.fetch_add(1, Ordering::Relaxed);
                let _ = request.respond(tiny_http::Response::empty(204));
            }
        });
    }
    port
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let a = args();
    let kit = Kit::new().expect("a kit");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let d = dir.path();
    std::fs::write(d.join("pub.pem"), kit.key().public_key_pem()).unwrap();
    std::fs::write(d.join("apiv3.key"), kit.apiv3_key()).unwrap();
    // A test secret for this run only.
    let secret: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
    use base64::Engine as _;
    std::fs::write(
        d.join("forward.secret"),
        format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(&secret)
        ),
    )
    .unwrap();
    let delivered = Arc::new(AtomicUsize::new(0));
    let port = receiver(delivered.clone());
    let store = if a.store == "sqlite" {
        "sqlite://inbox.db".to_owned()
    } else {
        a.store.clone()
    };
    let store_kind = if store.starts_with("sqlite") {
        "sqlite"
    } else {
        "postgres"
    };
    std::fs::write(
        d.join("wpn.toml"),
        format!(
            "[serve]\nstore = \"{store}\"\nforward_to = \"http://127.0.0.1:{port}/events\"\n\
             forward_secret_file = \"forward.secret\"\nconcurrency = 32\n\n\
             [[merchant]]\nmchid = \"1900000001\"\napiv3_key_file = \"apiv3.key\"\n\
             public_keys = [{{ id = \"{}\", file = \"pub.pem\" }}]\n",
            kit.key_id()
        ),
    )
    .unwrap();

    // The callbacks, signed before the clock starts.
    let run = fastrand::u64(..);
    let callbacks: Vec<Callback> = (0..a.count)
        .map(|i| {
            kit.notification(EventKind::Transaction)
                .id(&format!("EV-LOAD-{run:016x}-{i:07}"))
                .build()
                .expect("a callback")
        })
        .collect();

    // The bare cost: the core's parse of the same callbacks, in this process.
    let verifier = kit.verifier().expect("the kit's verifier");
    let mut bare = Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        for cb in callbacks.iter().take(2000) {
            verifier
                .parse(&cb.headers, &cb.body)
                .expect("the kit's callback verifies");
        }
        bare = bare.min(t.elapsed() / callbacks.len().min(2000) as u32);
    }

    let mut serve = Command::new(&a.serve)
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(d.join("wpn.toml"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start serve");
    let mut lines = std::io::BufReader::new(serve.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("serve logs a line")
            .expect("a log line");
        let v: serde_json::Value = serde_json::from_str(&line).expect("a JSON log line");
        if v["message"] == "listening" {
            break v["addr"].as_str().expect("addr").to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let url = format!("http://{addr}/wechatpay/notify");

    let next = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(a.count)));
    let failures = Arc::new(AtomicUsize::new(0));
    let callbacks = Arc::new(callbacks);
    let started = Instant::now();
    let threads: Vec<_> = (0..a.concurrency)
        .map(|_| {
            let (next, latencies, failures, callbacks, url) = (
                next.clone(),
                latencies.clone(),
                failures.clone(),
                callbacks.clone(),
                url.clone(),
            );
            let rate = a.rate;
            let deadline = a.deadline;
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(10)))
                    .build()
                    .into();
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= callbacks.len() || started.elapsed() > deadline {
                        break;
                    }
                    let scheduled = if rate > 0.0 {
                        let at = Duration::from_secs_f64(i as f64 / rate);
                        if let Some(wait) = at.checked_sub(started.elapsed()) {
                            std::thread::sleep(wait);
                        }
                        started + at
                    } else {
                        Instant::now()
                    };
                    let cb = &callbacks[i];
                    let mut req = agent.post(&url);
                    for (k, v) in &cb.headers {
                        req = req.header(k.as_str(), v.as_str());
                    }
                    match req.send(&cb.body[..]) {
                        Ok(r) if r.status() == 204 => mine.push(scheduled.elapsed()),
                        _ => {
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let sending = started.elapsed();
    let mut lat = std::mem::take(&mut *latencies.lock().unwrap());
    lat.sort();
    let accepted = lat.len();
    while delivered.load(Ordering::Relaxed) < accepted && started.elapsed() < a.deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let all_forwarded = started.elapsed();
    let _ = Command::new("kill").arg(serve.id().to_string()).status();
    let _ = serve.wait();

    let rps = accepted as f64 / sending.as_secs_f64();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mode = if a.rate > 0.0 {
        format!("{:.0}/s offered", a.rate)
    } else {
        format!("closed loop, {} connections", a.concurrency)
    };
    println!(
        "serve {store_kind:<8} {mode:<28} sent {:>5}  204 {:>5}  failed {:>3}  {:>7.0} callbacks/s  \
         p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  forwarded {} in {:.1} s  bare parse {:.1} µs \
         (p50 = {:.0}x parse)",
        a.count,
        accepted,
        failures.load(Ordering::Relaxed),
        rps,
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.99)),
        ms(percentile(&lat, 1.0)),
        delivered.load(Ordering::Relaxed),
        all_forwarded.as_secs_f64(),
        bare.as_secs_f64() * 1e6,
        percentile(&lat, 0.50).as_secs_f64() / bare.as_secs_f64(),
    );
    println!(
        "{}",
        serde_json::json!({
            "store": store_kind, "rate": a.rate, "concurrency": a.concurrency,
            "sent": a.count, "accepted": accepted, "failed": failures.load(Ordering::Relaxed),
            "callbacks_per_second": rps, "p50_ms": ms(percentile(&lat, 0.5)),
            "p99_ms": ms(percentile(&lat, 0.99)), "max_ms": ms(percentile(&lat, 1.0)),
            "forwarded": delivered.load(Ordering::Relaxed),
            "bare_parse_us": bare.as_secs_f64() * 1e6,
        })
    );
    // Not a timing test: the run fails only when a callback was not accepted or not
    // forwarded.
    let forwarded = delivered.load(Ordering::Relaxed);
    if accepted != a.count || forwarded < accepted {
        eprintln!(
            "serve_load: {accepted} of {} accepted, {forwarded} forwarded",
            a.count
        );
        std::process::exit(1);
    }
}
