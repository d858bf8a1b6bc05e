//! Shared helpers: running the built binary, the conformance vectors, key files.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_wechatpay-notify");

/// `tests/vectors/` of the repository.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

/// A JSON file under `tests/vectors/`.
pub fn load_json(relative: &str) -> Value {
    let path = vectors_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A file under `tests/vectors/keys/`.
pub fn key_path(name: &str) -> PathBuf {
    vectors_dir().join("keys").join(name)
}

/// The result of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().expect("exited normally"),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Runs the binary with `args`, no stdin, and an environment without the key variables.
pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    command(args).stdin(Stdio::null()).output().unwrap().into()
}

/// Runs the binary with `input` on stdin.
pub fn run_with_stdin<S: AsRef<std::ffi::OsStr>>(args: &[S], input: &[u8]) -> Run {
    let mut child = command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap().into()
}

/// The command, with the key environment variables removed.
pub fn command<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("WECHATPAY_APIV3_KEY")
        .env_remove("WECHATPAY_V2_KEY")
        .env_remove("NO_COLOR");
    c
}

/// Writes `contents` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_owned()
}

/// A raw HTTP request as a capture holds it, in one of several styles.
pub fn raw_request(headers: &[(String, String)], body: &[u8], style: usize) -> Vec<u8> {
    let eol: &[u8] = if style.is_multiple_of(2) {
        b"\r\n"
    } else {
        b"\n"
    };
    let mut out = Vec::new();
    if style % 3 != 2 {
        out.extend_from_slice(b"POST /wechatpay/notify HTTP/1.1");
        out.extend_from_slice(eol);
        out.extend_from_slice(b"Host: merchant.example.com");
        out.extend_from_slice(eol);
    }
    for (k, v) in headers {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(eol);
    }
    if style.is_multiple_of(3) {
        out.extend_from_slice(format!("Content-Length: {}", body.len()).as_bytes());
        out.extend_from_slice(eol);
    }
    out.extend_from_slice(eol);
    out.extend_from_slice(body);
    out
}

/// The APIv3 keys of a named vector verifier (of every merchant of the merchants form).
pub fn verifier_apiv3_keys(vectors: &Value, name: &str) -> Vec<String> {
    let cfg = &vectors["verifiers"][name];
    let merchants = cfg["merchants"].as_array().into_iter().flatten();
    std::iter::once(cfg)
        .chain(merchants)
        .filter_map(|c| c["apiv3_key"].as_str().map(str::to_owned))
        .collect()
}

/// Writes a `--config` file (docs/merchants.md) for the merchants form of a vector verifier,
/// its keys in files beside it (APIv3 keys in files, never in the TOML), and returns its path.
pub fn write_merchants_config(dir: &Path, name: &str, merchants: &[Value]) -> String {
    let mut toml = String::new();
    for (m, merchant) in merchants.iter().enumerate() {
        let mchid = merchant["mchid"].as_str().unwrap();
        let key_file = format!("{name}.m{m}.apiv3");
        write(dir, &key_file, merchant["apiv3_key"].as_str().unwrap());
        toml.push_str(&format!(
            "[[merchant]]\nmchid = {mchid:?}\napiv3_key_file = {key_file:?}\n"
        ));
        let mut public_keys = Vec::new();
        for (i, pk) in merchant["public_keys"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let file = format!("{name}.m{m}.pub{i}.pem");
            write(dir, &file, pk["pem"].as_str().unwrap());
            public_keys.push(format!(
                "{{ id = {:?}, file = {file:?} }}",
                pk["id"].as_str().unwrap()
            ));
        }
        toml.push_str(&format!("public_keys = [{}]\n", public_keys.join(", ")));
        let mut certificates = Vec::new();
        for (i, cert) in merchant["certificates"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let file = format!("{name}.m{m}.cert{i}.pem");
            write(dir, &file, cert.as_str().unwrap());
            certificates.push(format!("{file:?}"));
        }
        toml.push_str(&format!("certificates = [{}]\n\n", certificates.join(", ")));
    }
    write(dir, &format!("{name}.merchants.toml"), toml)
}

/// Writes the key files of a named vector verifier and returns the matching options:
/// `--config` for the merchants form, the single-merchant key options otherwise.
pub fn verifier_args(dir: &Path, vectors: &Value, name: &str) -> Vec<String> {
    let cfg = &vectors["verifiers"][name];
    let mut args = Vec::new();
    if let Some(merchants) = cfg["merchants"].as_array() {
        args.push("--config".to_owned());
        args.push(write_merchants_config(dir, name, merchants));
    }
    if let Some(key) = cfg["apiv3_key"].as_str() {
        args.push("--apiv3-key-file".to_owned());
        args.push(write(dir, &format!("{name}.apiv3"), key));
    }
    for (i, pk) in cfg["public_keys"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let file = write(
            dir,
            &format!("{name}.pub{i}.pem"),
            pk["pem"].as_str().unwrap(),
        );
        args.push("--public-key".to_owned());
        args.push(format!("{}={file}", pk["id"].as_str().unwrap()));
    }
    for (i, cert) in cfg["certificates"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        args.push("--certificate".to_owned());
        args.push(write(
            dir,
            &format!("{name}.cert{i}.pem"),
            cert.as_str().unwrap(),
        ));
    }
    if let Some(s) = cfg["max_clock_skew"].as_u64() {
        args.push("--max-clock-skew".to_owned());
        args.push(s.to_string());
    }
    if let Some(n) = cfg["max_body_size"].as_u64() {
        args.push("--max-body-size".to_owned());
        args.push(n.to_string());
    }
    args
}

/// Headers of a vector case.
pub fn case_headers(case: &Value) -> Vec<(String, String)> {
    case["headers"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap().to_owned(),
                        p[1].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Body of a vector case.
pub fn case_body(case: &Value) -> Vec<u8> {
    hex::decode(case["body_hex"].as_str().unwrap()).unwrap()
}

/// Starts `command` with stdout piped and no stdin; its stdout lines arrive on the receiver
/// (for long-running commands such as `listen`).
pub fn spawn_lines(
    mut command: Command,
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead as _;
    let mut child = command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, lines)
}
