//! `--config merchants.toml` (docs/merchants.md): `parse`, `doctor` and `listen` with three
//! merchants built from the testing kit (a public key, a platform certificate, and a merchant
//! sharing the first one's key), and config files that are refused with a usage error naming
//! the file, the merchant and the field, never a key.

mod common;

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{raw_request, write};
use serde_json::Value;
use wechatpay_notify::testing::Kit;
use wechatpay_notify::EventKind;

/// The environment variable merchant 1900000002's APIv3 key is read from.
const ENV_B: &str = "WPN_TEST_MERCHANTS_APIV3_KEY_1900000002";

/// Three merchants: A with a 微信支付公钥, B with a platform certificate (its APIv3 key in
/// the environment), C sharing A's public key with its own APIv3 key.
struct Setup {
    dir: tempfile::TempDir,
    a: Kit,
    b: Kit,
    c: Kit,
    config: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        // Each kit's callbacks name its merchant, as the verifier checks (docs/merchants.md).
        let a = Kit::new().unwrap();
        let b = Kit::with_certificate().unwrap();
        let c = a.sharing_key();
        for (kit, mchid) in [(&a, "1900000001"), (&b, "1900000002"), (&c, "1900000003")] {
            kit.set_mchid(mchid);
        }
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        std::fs::create_dir(&keys).unwrap();
        write(&keys, "pub_key.pem", a.key().public_key_pem());
        write(
            &keys,
            "wechatpay_cert.pem",
            b.key().certificate_pem().unwrap(),
        );
        write(&keys, "1900000001.apiv3", a.apiv3_key());
        // One trailing newline is accepted, with a note.
        write(&keys, "1900000003.apiv3", format!("{}\n", c.apiv3_key()));
        let config = dir.path().join("merchants.toml");
        let text = format!(
            r#"# three merchants behind one notify_url
max_clock_skew = 300

[[merchant]]
mchid = "1900000001"
apiv3_key_file = "keys/1900000001.apiv3"
public_keys = [{{ id = "{a_id}", file = "keys/pub_key.pem" }}]

[[merchant]]
mchid = "1900000002"
apiv3_key_env = "{ENV_B}"
certificates = ["keys/wechatpay_cert.pem"]

[[merchant]]
mchid = "1900000003"
apiv3_key_file = "keys/1900000003.apiv3"
public_keys = [{{ id = "{a_id}", file = "keys/pub_key.pem" }}]
"#,
            a_id = a.key_id()
        );
        std::fs::write(&config, text).unwrap();
        Setup {
            dir,
            a,
            b,
            c,
            config,
        }
    }

    fn kits(&self) -> [(&Kit, &'static str); 3] {
        [
            (&self.a, "1900000001"),
            (&self.b, "1900000002"),
            (&self.c, "1900000003"),
        ]
    }

    fn secrets(&self) -> Vec<&str> {
        vec![self.a.apiv3_key(), self.b.apiv3_key(), self.c.apiv3_key()]
    }

    /// A captured request of a transaction callback built by `kit`.
    fn capture(&self, kit: &Kit, name: &str) -> String {
        self.capture_at(kit, name, wechatpay_notify::unix_now())
    }

    /// A captured request of a transaction callback built by `kit`, signed at `timestamp`.
    fn capture_at(&self, kit: &Kit, name: &str, timestamp: i64) -> String {
        let cb = kit
            .notification(EventKind::Transaction)
            .timestamp(timestamp)
            .build()
            .unwrap();
        write(self.dir.path(), name, raw_request(&cb.headers, &cb.body, 0))
    }

    /// Runs the binary from another directory (paths are relative to the config file), with
    /// merchant B's APIv3 key in the environment.
    fn run(&self, args: &[&str]) -> common::Run {
        let r: common::Run = common::command(args)
            .env(ENV_B, self.b.apiv3_key())
            .current_dir(std::env::temp_dir())
            .stdin(Stdio::null())
            .output()
            .unwrap()
            .into();
        for s in self.secrets() {
            assert!(
                !r.stdout.contains(s) && !r.stderr.contains(s),
                "an APIv3 key in the output of {args:?}"
            );
        }
        r
    }

    fn config(&self) -> &str {
        self.config.to_str().unwrap()
    }
}

#[test]
fn parse_and_doctor_name_each_callbacks_merchant() {
    let s = Setup::new();
    for (kit, mchid) in s.kits() {
        let req = s.capture(kit, &format!("{mchid}.http"));
        let r = s.run(&["parse", "--json", &req, "--config", s.config()]);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let doc = r.json();
        assert_eq!(doc["notification"]["mchid"], mchid, "{doc}");
        assert_eq!(doc["notification"]["serial"], kit.key_id());

        let r = s.run(&["parse", &req, "--config", s.config()]);
        assert_eq!(r.code, 0);
        assert!(
            r.stdout.starts_with(&format!("mchid {mchid}\n")),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("kind transaction"), "{}", r.stdout);

        let r = s.run(&["doctor", "--json", &req, "--config", s.config()]);
        assert_eq!(r.code, 0, "{}", r.stdout);
        let doc = r.json();
        assert_eq!(doc["verdict"]["notification"]["mchid"], mchid);
        assert_eq!(
            doc["merchants"],
            serde_json::json!(["1900000001", "1900000002", "1900000003"])
        );
        assert_eq!(doc["config"], s.config());
        // The newline of merchant C's key file is a note naming the merchant.
        let notes = doc["notes"].as_array().unwrap();
        assert!(
            notes.iter().any(|n| {
                let n = n.as_str().unwrap();
                n.contains("merchant 1900000003") && n.contains("newline")
            }),
            "{notes:?}"
        );

        let r = s.run(&["doctor", &req, "--config", s.config(), "--color", "never"]);
        assert_eq!(r.code, 0, "{}", r.stdout);
        assert!(
            r.stdout.contains(&format!("  mchid {mchid} ")),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("3 merchants in"), "{}", r.stdout);
        let configured_for = if mchid == "1900000002" {
            "configured for merchant 1900000002".to_owned()
        } else {
            "configured for merchants 1900000001, 1900000003 (shared".to_owned()
        };
        assert!(r.stdout.contains(&configured_for), "{}", r.stdout);
    }
}

#[test]
fn unknown_serials_and_undecryptable_shared_serials() {
    let s = Setup::new();
    let other = Kit::new().unwrap();
    let req = s.capture(&other, "other.http");
    let r = s.run(&["parse", "--json", &req, "--config", s.config()]);
    assert_eq!(r.code, 1);
    let doc = r.json();
    assert_eq!(doc["code"], "UNKNOWN_SERIAL");
    let message = doc["message"].as_str().unwrap();
    let b_serial = s.b.key_id();
    for listed in [
        format!("1900000001 {}", s.a.key_id()),
        format!("1900000002 {b_serial}"),
        format!("1900000003 {}", s.a.key_id()),
    ] {
        assert!(message.contains(&listed), "{message}");
    }
    let r = s.run(&["doctor", "--json", &req, "--config", s.config()]);
    assert_eq!(r.code, 1);
    let advice = r.json()["advice"].to_string();
    assert!(
        advice.contains("merchant 1900000002: certificate serial"),
        "{advice}"
    );
    assert!(advice.contains("merchants.toml"), "{advice}");

    // Signed with the shared key, sealed with an APIv3 key no merchant has.
    let stranger = s.a.sharing_key();
    let req = s.capture(&stranger, "stranger.http");
    let r = s.run(&["doctor", "--json", &req, "--config", s.config()]);
    assert_eq!(r.code, 1);
    assert!(!r.stdout.contains(stranger.apiv3_key()));
    let doc = r.json();
    assert_eq!(doc["verdict"]["code"], "DECRYPT_FAILED");
    let message = doc["verdict"]["message"].as_str().unwrap();
    assert!(
        message.contains("1900000001") && message.contains("1900000003"),
        "{message}"
    );
    assert!(
        doc["advice"]
            .to_string()
            .contains("configured for (1900000001, 1900000003)"),
        "{}",
        doc["advice"]
    );
}

/// Writes `text` as the config file of a fresh setup and runs `parse` with it: a usage error.
fn refused(s: &Setup, name: &str, text: &str, extra: &[&str]) -> String {
    let config = write(s.dir.path(), name, text);
    let req = s.capture(&s.a, "a.http");
    let mut args = vec!["parse", &req, "--config", &config];
    args.extend_from_slice(extra);
    let r = s.run(&args);
    assert_eq!(r.code, 2, "{name}: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "{name}: {}", r.stdout);
    // The same error in --json.
    let mut json_args = args.clone();
    json_args.push("--json");
    let j = s.run(&json_args);
    assert_eq!(j.code, 2);
    assert_eq!(j.json()["error"], "usage");
    r.stderr
}

#[test]
fn bad_config_files_are_usage_errors_naming_file_merchant_and_field() {
    let s = Setup::new();
    let a_id = s.a.key_id();
    let pub_key = format!("public_keys = [{{ id = \"{a_id}\", file = \"keys/pub_key.pem\" }}]");
    let key = s.a.apiv3_key();
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "missing-file.toml",
            format!("[[merchant]]\nmchid = \"1900000001\"\napiv3_key_file = \"keys/nope.apiv3\"\n{pub_key}\n"),
            vec!["missing-file.toml", "merchant 1900000001", "apiv3_key_file", "nope.apiv3"],
        ),
        (
            "unset-env.toml",
            format!("[[merchant]]\nmchid = \"1900000001\"\napiv3_key_env = \"WPN_TEST_NOT_SET_ANYWHERE\"\n{pub_key}\n"),
            vec!["merchant 1900000001", "apiv3_key_env", "WPN_TEST_NOT_SET_ANYWHERE", "not set"],
        ),
        (
            "inline-key.toml",
            format!("[[merchant]]\nmchid = \"1900000001\"\napiv3_key = \"{key}\"\n{pub_key}\n"),
            vec!["merchant 1900000001", "apiv3_key", "never written in the config file", "apiv3_key_file"],
        ),
        (
            "key-as-file.toml",
            format!("[[merchant]]\nmchid = \"1900000001\"\napiv3_key_file = \"{key}\"\n{pub_key}\n"),
            vec!["merchant 1900000001", "apiv3_key_file", "looks like an APIv3 key"],
        ),
        (
            "key-as-env.toml",
            format!("[[merchant]]\nmchid = \"1900000001\"\napiv3_key_env = \"{key}\"\n{pub_key}\n"),
            vec!["apiv3_key_env", "looks like an APIv3 key"],
        ),
        (
            "key-as-mchid.toml",
            format!("[[merchant]]\nmchid = \"{key}\"\napiv3_key_file = \"keys/1900000001.apiv3\"\n{pub_key}\n"),
            vec!["[[merchant]] #1", "mchid", "looks like an APIv3 key"],
        ),
        (
            "key-as-public-key-id.toml",
            format!("[[merchant]]\nmchid = \"1900000001\"\napiv3_key_file = \"keys/1900000001.apiv3\"\npublic_keys = [{{ id = \"{key}\", file = \"keys/pub_key.pem\" }}]\n"),
            vec!["merchant 1900000001", "public_keys[0].id", "looks like an APIv3 key"],
        ),
        (
            "key-as-certificate.toml",
            format!("[[merchant]]\nmchid = \"1900000001\"\napiv3_key_file = \"keys/1900000001.apiv3\"\ncertificates = [\"{key}\"]\n"),
            vec!["merchant 1900000001", "certificates[0]", "looks like an APIv3 key"],
        ),
        (
            "key-as-skew.toml",
            format!("max_clock_skew = \"{key}\"\n[[merchant]]\nmchid = \"1\"\n"),
            vec!["key-as-skew.toml", "max_clock_skew", "value not shown"],
        ),
        (
            "unknown-field.toml",
            format!("[[merchant]]\nmchid = \"1900000002\"\napiv3_key_file = \"keys/1900000001.apiv3\"\n{pub_key}\ncolour = \"blue\"\n"),
            vec!["merchant 1900000002", "colour", "unknown field", "apiv3_key_env"],
        ),
        (
            "unknown-top.toml",
            "max_skew = 3\n".to_owned(),
            vec!["unknown-top.toml", "max_skew", "unknown field"],
        ),
        (
            "inline-pem.toml",
            format!("[[merchant]]\nmchid = \"1900000001\"\napiv3_key_file = \"keys/1900000001.apiv3\"\npublic_keys = [{{ id = \"{a_id}\", pem = \"-----BEGIN PUBLIC KEY-----MIIB\" }}]\n"),
            vec!["merchant 1900000001", "public_keys[0].pem", "read from files"],
        ),
        (
            "both-sources.toml",
            format!("[[merchant]]\nmchid = \"1900000001\"\napiv3_key_file = \"keys/1900000001.apiv3\"\napiv3_key_env = \"{ENV_B}\"\n{pub_key}\n"),
            vec!["merchant 1900000001", "not both"],
        ),
        (
            "no-key-source.toml",
            format!("[[merchant]]\nmchid = \"1900000001\"\n{pub_key}\n"),
            vec!["merchant 1900000001", "apiv3_key_file", "missing"],
        ),
        (
            "no-wechatpay-key.toml",
            "[[merchant]]\nmchid = \"1900000001\"\napiv3_key_file = \"keys/1900000001.apiv3\"\n".to_owned(),
            vec!["merchant 1900000001", "public_keys", "no WeChat Pay key"],
        ),
        (
            "short-key.toml",
            format!("[[merchant]]\nmchid = \"1900000004\"\napiv3_key_file = \"keys/pub_key.pem\"\n{pub_key}\n"),
            vec!["merchant 1900000004", "apiv3_key_file", "exactly 32 bytes"],
        ),
        (
            "twice.toml",
            format!("[[merchant]]\nmchid = \"1\"\napiv3_key_file = \"keys/1900000001.apiv3\"\n{pub_key}\n[[merchant]]\nmchid = \"1\"\napiv3_key_file = \"keys/1900000001.apiv3\"\n{pub_key}\n"),
            vec!["merchant 1", "mchid", "configured twice"],
        ),
        (
            "no-mchid.toml",
            format!("[[merchant]]\napiv3_key_file = \"keys/1900000001.apiv3\"\n{pub_key}\n"),
            vec!["[[merchant]] #1", "mchid", "missing"],
        ),
        (
            "wrong-type.toml",
            format!("[[merchant]]\nmchid = 1900000001\napiv3_key_file = \"keys/1900000001.apiv3\"\n{pub_key}\n"),
            vec!["[[merchant]] #1", "mchid", "must be a string"],
        ),
        (
            "misplaced.toml",
            format!("mchid = \"1\"\napiv3_key_file = \"keys/1900000001.apiv3\"\n{pub_key}\n"),
            vec!["[[merchant]] table"],
        ),
        (
            "empty.toml",
            "max_clock_skew = 60\n".to_owned(),
            vec!["empty.toml", "no merchant"],
        ),
        (
            "syntax.toml",
            format!("[[merchant]]\nmchid = \"1\"\napiv3_key_file = \"{key}\n"),
            vec!["syntax.toml", "not valid TOML at line 3"],
        ),
        (
            // One serial, two different keys: refused by the core, naming both merchants.
            "clash.toml",
            format!("[[merchant]]\nmchid = \"1\"\napiv3_key_file = \"keys/1900000001.apiv3\"\n{pub_key}\n[[merchant]]\nmchid = \"2\"\napiv3_key_file = \"keys/1900000001.apiv3\"\npublic_keys = [{{ id = \"{a_id}\", file = \"keys/other.pem\" }}]\n"),
            vec!["clash.toml", "merchant 1", "merchant 2", "different keys"],
        ),
        (
            "private-key.toml",
            format!("[[merchant]]\nmchid = \"1\"\napiv3_key_file = \"keys/1900000001.apiv3\"\npublic_keys = [{{ id = \"{a_id}\", file = \"keys/private.pem\" }}]\n"),
            vec!["merchant 1", "public_keys[0].file", "private.pem", "holds a private key"],
        ),
        (
            "public-key-as-certificate.toml",
            "[[merchant]]\nmchid = \"1\"\napiv3_key_file = \"keys/1900000001.apiv3\"\ncertificates = [\"keys/pub_key.pem\"]\n".to_owned(),
            vec!["merchant 1", "certificates[0]", "public_keys = [{ id"],
        ),
    ];
    let keys = s.dir.path().join("keys");
    write(
        &keys,
        "other.pem",
        Kit::new().unwrap().key().public_key_pem(),
    );
    std::fs::copy(
        common::key_path("test-attacker.key.pem"),
        keys.join("private.pem"),
    )
    .unwrap();
    for (name, text, wanted) in &cases {
        let stderr = refused(&s, name, text, &[]);
        for w in wanted {
            assert!(stderr.contains(w), "{name}: {w:?} not in {stderr}");
        }
        // Nothing of the files' contents: no PEM text.
        assert!(!stderr.contains("MIIB"), "{name}: {stderr}");
    }
    // A config file that does not exist.
    let req = s.capture(&s.a, "a.http");
    let r = s.run(&["parse", &req, "--config", "/nonexistent/merchants.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("/nonexistent/merchants.toml"),
        "{}",
        r.stderr
    );
}

#[test]
fn config_and_the_single_merchant_key_options_are_exclusive() {
    let s = Setup::new();
    let req = s.capture(&s.a, "a.http");
    let key_file = s.dir.path().join("keys/1900000001.apiv3");
    let pem = s.dir.path().join("keys/pub_key.pem");
    for extra in [
        vec![
            "--apiv3-key-file".to_owned(),
            key_file.display().to_string(),
        ],
        vec![
            "--apiv3-key".to_owned(),
            "0123456789abcdef0123456789abcdef".to_owned(),
        ],
        vec![
            "--public-key".to_owned(),
            format!("{}={}", s.a.key_id(), pem.display()),
        ],
        vec!["--certificate".to_owned(), pem.display().to_string()],
    ] {
        for command in ["parse", "doctor", "listen"] {
            let mut args = vec![command, "--config", s.config()];
            if command == "listen" {
                args.extend(["--port", "0"]);
            } else {
                args.push(&req);
            }
            args.extend(extra.iter().map(String::as_str));
            let r = s.run(&args);
            assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
            assert!(r.stderr.contains("--config"), "{}", r.stderr);
            assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
        }
    }
    // The file's max_clock_skew (300) applies; --max-clock-skew overrides it; --now combines.
    let req = s.capture_at(&s.c, "c.http", 1_700_000_000);
    let parse = |extra: &[&str]| {
        let mut args = vec![
            "parse",
            "--json",
            &req,
            "--config",
            s.config(),
            "--now",
            "1700000100",
        ];
        args.extend_from_slice(extra);
        let r = s.run(&args);
        (r.code, r.json()["code"].as_str().unwrap_or("OK").to_owned())
    };
    assert_eq!(parse(&[]), (0, "OK".to_owned()));
    assert_eq!(
        parse(&["--max-clock-skew", "10"]),
        (1, "TIMESTAMP_SKEW".to_owned())
    );
    let strict = write(
        s.dir.path(),
        "strict.toml",
        std::fs::read_to_string(&s.config)
            .unwrap()
            .replace("max_clock_skew = 300", "max_clock_skew = 60"),
    );
    let r = s.run(&[
        "parse",
        "--json",
        &req,
        "--config",
        &strict,
        "--now",
        "1700000100",
    ]);
    assert_eq!(r.json()["code"], "TIMESTAMP_SKEW");
}

/// A `listen` process and its output lines.
struct Listener {
    child: Child,
    lines: mpsc::Receiver<String>,
    url: String,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Listener {
    fn start(s: &Setup, json: bool) -> (Listener, String) {
        let mut args = vec![
            "listen",
            "--port",
            "0",
            "--config",
            s.config(),
            "--color",
            "never",
        ];
        if json {
            args.push("--json");
        }
        let mut command = common::command(&args);
        command.env(ENV_B, s.b.apiv3_key());
        let (child, lines) = common::spawn_lines(command);
        let first = lines
            .recv_timeout(Duration::from_secs(10))
            .expect("listen started");
        let url = if json {
            let doc: Value = serde_json::from_str(&first).unwrap();
            doc["listening"].as_str().unwrap().to_owned()
        } else {
            let start = first.find("http://").expect("a URL in the banner");
            first[start..].split_whitespace().next().unwrap().to_owned()
        };
        let mut banner = first;
        if !json {
            // The keys line follows the banner line.
            banner.push('\n');
            banner.push_str(&lines.recv_timeout(Duration::from_secs(10)).unwrap());
        }
        for secret in s.secrets() {
            assert!(!banner.contains(secret), "a key in the banner");
        }
        (Listener { child, lines, url }, banner)
    }

    fn line(&self) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(10))
                .expect("an event line");
            // Skip the rest of the text banner.
            if !line.starts_with("  ") {
                return line;
            }
        }
    }
}

/// POSTs a callback built by `kit` and returns the HTTP status.
fn post(url: &str, kit: &Kit) -> u16 {
    let cb = kit.notification(EventKind::Refund).build().unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .proxy(None)
        .build()
        .into();
    let mut request = agent.post(url);
    for (k, v) in &cb.headers {
        request = request.header(k.as_str(), v.as_str());
    }
    request.send(&cb.body[..]).unwrap().status().as_u16()
}

#[test]
fn listen_with_config_accepts_every_merchants_callbacks() {
    let s = Setup::new();
    let (listener, banner) = Listener::start(&s, true);
    let doc: Value = serde_json::from_str(&banner).unwrap();
    assert_eq!(
        doc["merchants"],
        serde_json::json!(["1900000001", "1900000002", "1900000003"])
    );
    assert!(
        doc["keys"]
            .as_str()
            .unwrap()
            .contains(&format!("1900000002 {}", s.b.key_id())),
        "{doc}"
    );
    for (kit, mchid) in s.kits() {
        assert_eq!(post(&listener.url, kit), 204, "{mchid}");
        let event: Value = serde_json::from_str(&listener.line()).unwrap();
        assert_eq!(event["verdict"], "OK", "{event}");
        assert_eq!(event["mchid"], mchid, "{event}");
        assert_eq!(event["kind"], "refund");
    }
    // Another platform key: refused, no merchant.
    assert_ne!(post(&listener.url, &Kit::new().unwrap()), 204);
    let event: Value = serde_json::from_str(&listener.line()).unwrap();
    assert_eq!(event["verdict"], "UNKNOWN_SERIAL");
    assert_eq!(event["mchid"], Value::Null);
    assert!(event["message"].as_str().unwrap().contains("1900000002"));
    drop(listener);

    // The text lines name the merchant too.
    let (listener, banner) = Listener::start(&s, false);
    assert!(
        banner.contains("APIv3 verifying 3 merchants of"),
        "{banner}"
    );
    assert_eq!(post(&listener.url, &s.b), 204);
    let line = listener.line();
    assert!(line.contains("  mchid=1900000002  "), "{line}");
    assert!(line.contains("OK"), "{line}");
}

#[test]
fn relative_config_paths_resolve_against_the_config_directory() {
    let s = Setup::new();
    let req = s.capture(&s.c, "c.http");
    // Run from the config's directory with a relative --config path.
    let r: common::Run =
        common::command(&["parse", "--json", "c.http", "--config", "merchants.toml"])
            .env(ENV_B, s.b.apiv3_key())
            .current_dir(s.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
            .into();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["notification"]["mchid"], "1900000003");
    // And from a subdirectory.
    let sub = s.dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let r: common::Run =
        common::command(&["parse", "--json", &req, "--config", "../merchants.toml"])
            .env(ENV_B, s.b.apiv3_key())
            .current_dir(&sub)
            .stdin(Stdio::null())
            .output()
            .unwrap()
            .into();
    assert_eq!(r.code, 0, "{}", r.stderr);
}
