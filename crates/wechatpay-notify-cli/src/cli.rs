//! Command-line arguments (clap derive).

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use wechatpay_notify::EventKind;

use crate::style::ColorChoice;

/// What `--version` prints after the name: the version and the cryptographic backend, e.g.
/// `0.2.0 (aws-lc)`.
fn version_line() -> &'static str {
    static LINE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LINE.get_or_init(|| {
        format!(
            "{} ({})",
            wechatpay_notify::VERSION,
            wechatpay_notify::BACKEND
        )
    })
}

/// Find out why WeChat Pay callbacks (回调通知) do not arrive or do not verify.
///
/// Exit status: 0 accepted / no problem, 1 rejected / problem found, 2 usage error.
/// Start with `wechatpay-notify demo`.
#[derive(Parser)]
#[command(name = "wechatpay-notify", version = version_line(), max_term_width = 100)]
pub struct Cli {
    /// Machine-readable JSON output (one JSON document; `listen` writes one per line).
    #[arg(long, global = true)]
    pub json: bool,

    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// End-to-end demo on loopback with throwaway keys: a receiver and simulated callbacks.
    Demo,
    /// Run every check on a captured request and explain the verdict and the reply to send.
    Doctor(InspectArgs),
    /// Verify and decrypt a captured request: the plaintext on success, the code otherwise.
    Parse(InspectArgs),
    /// Act as WeChat Pay: send a signed, encrypted test callback to a URL and judge the reply.
    Simulate(Box<SimulateArgs>),
    /// Run a local receiver that diagnoses and answers every callback.
    Listen(ListenArgs),
    /// Lint a notify_url against WeChat Pay's rules.
    CheckUrl(CheckUrlArgs),
    /// Decrypt a `GET /v3/certificates` response into PEM files named by serial.
    DecryptCerts(DecryptCertsArgs),
    /// Run the gateway: verify callbacks, store them durably, forward them as Standard
    /// Webhooks (docs/gateway.md).
    Serve(ServeArgs),
    /// Look into and operate the gateway's inbox.
    Inbox(InboxArgs),
}

/// Arguments of `serve`.
#[derive(Args, Clone)]
pub struct ServeArgs {
    /// The configuration: the merchants ([[merchant]]) and the gateway ([serve]).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,

    /// Listen here instead of [serve] listen (port 0 picks a free port, logged).
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<std::net::SocketAddr>,
}

/// Arguments of `inbox`.
#[derive(Args, Clone)]
pub struct InboxArgs {
    /// The configuration of the `serve` whose inbox to open ([serve] store).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,

    /// What to do.
    #[command(subcommand)]
    pub command: InboxCommand,
}

/// The `inbox` subcommands.
#[derive(Subcommand, Clone)]
pub enum InboxCommand {
    /// Events, newest first.
    List {
        /// pending, delivered, dead or all.
        #[arg(long, default_value = "all", value_parser = ["pending", "delivered", "dead", "all"])]
        status: Option<String>,
        /// How many at most.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// One event and its delivery attempts.
    Show {
        /// The notification id.
        id: String,
        /// Also print the decrypted resource.
        #[arg(long)]
        resource: bool,
        /// Print the request as received (for `wechatpay-notify doctor`) and nothing else.
        #[arg(long, conflicts_with = "resource")]
        raw: bool,
    },
    /// Deliver a delivered or dead event again, now (same webhook-id).
    Replay {
        /// The notification id.
        id: String,
    },
    /// Make every dead-lettered event pending again, due now.
    RetryDead,
    /// Counts by status and by rejection code, and the oldest pending event's age.
    Stats,
    /// Refused requests, newest first.
    Rejections {
        /// How many at most.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Apply the inbox's schema migrations (serve applies them when it starts).
    Migrate,
}

/// The APIv3 key: from `--apiv3-key`, `--apiv3-key-file`, or `WECHATPAY_APIV3_KEY`.
#[derive(Args, Clone, Default)]
pub struct Apiv3KeyArgs {
    /// APIv3 key (APIv3密钥, 32 characters). Prefer --apiv3-key-file or the environment
    /// variable WECHATPAY_APIV3_KEY: a command line is visible to other users.
    #[arg(long, value_name = "KEY")]
    pub apiv3_key: Option<String>,

    /// File holding the APIv3 key (one trailing newline is ignored).
    #[arg(long, value_name = "FILE", conflicts_with = "apiv3_key")]
    pub apiv3_key_file: Option<PathBuf>,
}

/// The APIv2 key: from `--v2-key`, `--v2-key-file`, or `WECHATPAY_V2_KEY`.
#[derive(Args, Clone, Default)]
pub struct V2KeyArgs {
    /// APIv2 key (API密钥, 32 characters) for XML callbacks. Also WECHATPAY_V2_KEY.
    #[arg(long, value_name = "KEY")]
    pub v2_key: Option<String>,

    /// File holding the APIv2 key (one trailing newline is ignored).
    #[arg(long, value_name = "FILE", conflicts_with = "v2_key")]
    pub v2_key_file: Option<PathBuf>,
}

/// Everything a receiver needs to verify callbacks.
#[derive(Args, Clone, Default)]
pub struct VerifierArgs {
    /// The APIv3 key.
    #[command(flatten)]
    pub apiv3: Apiv3KeyArgs,

    /// A WeChat Pay public key (微信支付公钥) and its id: `PUB_KEY_ID_...=pub_key.pem`.
    /// Repeat for several keys.
    #[arg(long = "public-key", value_name = "ID=FILE")]
    pub public_keys: Vec<String>,

    /// A WeChat Pay platform certificate (平台证书) PEM file; a file may hold several.
    /// Repeat for several files. Not your merchant certificate apiclient_cert.pem.
    #[arg(long = "certificate", value_name = "FILE")]
    pub certificates: Vec<PathBuf>,

    /// The APIv2 key, for XML callbacks.
    #[command(flatten)]
    pub v2: V2KeyArgs,

    /// The time to check against, Unix seconds (default: this machine's clock).
    #[arg(long, value_name = "UNIX_SECS", allow_negative_numbers = true)]
    pub now: Option<i64>,

    /// Largest accepted difference between Wechatpay-Timestamp and now, in seconds
    /// [default: 300, or max_clock_skew of --config].
    #[arg(long, value_name = "SECS")]
    pub max_clock_skew: Option<u64>,

    /// Largest accepted body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = wechatpay_notify::DEFAULT_MAX_BODY_SIZE)]
    pub max_body_size: usize,
}

/// Arguments of `doctor` and `parse`.
#[derive(Args, Clone)]
pub struct InspectArgs {
    /// A file holding a captured raw HTTP request, or `-` for standard input.
    #[arg(value_name = "REQUEST")]
    pub request: PathBuf,

    /// Check the request as an APIv2 (XML) handler would, whatever the body looks like.
    #[arg(long)]
    pub v2: bool,

    /// Several merchants behind one notify_url: a TOML file listing each [[merchant]] with its
    /// mchid, its APIv3 key's file (apiv3_key_file) or environment variable (apiv3_key_env),
    /// and its public_keys and certificates files (paths relative to the file). Instead of
    /// --apiv3-key*, --public-key and --certificate.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["apiv3_key", "apiv3_key_file", "public_keys", "certificates"]
    )]
    pub config: Option<PathBuf>,

    /// Keys and limits.
    #[command(flatten)]
    pub keys: VerifierArgs,
}

/// Reads `--event`: a kind of the event catalog (`docs/events.md`).
pub fn parse_event_kind(name: &str) -> Result<EventKind, String> {
    EventKind::from_name(name)
        .filter(|k| *k != EventKind::Unknown)
        .ok_or_else(|| {
            let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown kind {name:?}; the kinds are {}", names.join(", "))
        })
}

/// Deliberate damage to a simulated callback, to see that the receiver refuses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Tamper {
    /// Change one byte of the body after signing (SIGNATURE_MISMATCH expected).
    Body,
    /// Send a genuine signature of other data than what is sent (SIGNATURE_MISMATCH
    /// expected).
    Signature,
    /// Leave out the Wechatpay-Nonce header (MISSING_HEADER expected).
    Header,
}

/// What the receiver should do with the callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Expect {
    /// Accept it: a 2xx within 5 s (APIv2: also return_code SUCCESS).
    Accept,
    /// Refuse it: anything but a 2xx (or APIv2 return_code FAIL).
    Reject,
}

/// APIv2 signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum V2SignType {
    /// MD5 (no sign_type field, as most APIv2 notifications).
    Md5,
    /// HMAC-SHA256 (sign_type=HMAC-SHA256).
    HmacSha256,
}

/// Arguments of `simulate`.
#[derive(Args, Clone)]
pub struct SimulateArgs {
    /// The notify_url to send the callback to (http:// or https://).
    #[arg(value_name = "URL")]
    pub url: String,

    /// The platform private key to sign with (PKCS#8 or PKCS#1 PEM). Only test keys: the
    /// real one is WeChat Pay's.
    #[arg(long, value_name = "FILE", required_unless_present = "v2")]
    pub platform_private_key: Option<PathBuf>,

    /// Wechatpay-Serial to send: the public key id (PUB_KEY_ID_...) or certificate serial
    /// the receiver has configured for that key.
    #[arg(long, value_name = "ID", required_unless_present = "v2")]
    pub serial: Option<String>,

    /// The APIv3 key to encrypt the resource with.
    #[command(flatten)]
    pub apiv3: Apiv3KeyArgs,

    /// Which notification to send: a kind of the event catalog (transaction,
    /// partner_transaction, combine_transaction, refund, partner_refund, profit_sharing,
    /// transfer_bill, complaint). APIv2 sends transaction or refund only.
    #[arg(long, value_name = "KIND", default_value = "transaction", value_parser = parse_event_kind)]
    pub event: EventKind,

    /// Send an APIv2 XML callback (signed or encrypted with --v2-key) instead of APIv3 JSON.
    #[arg(long)]
    pub v2: bool,

    /// The APIv2 key.
    #[command(flatten)]
    pub v2_key: V2KeyArgs,

    /// APIv2 payment signature algorithm.
    #[arg(long, value_enum, default_value_t = V2SignType::Md5)]
    pub v2_sign_type: V2SignType,

    /// Send a WECHATPAY/SIGNTEST/ probe: the correct answer is a refusal (4xx/5xx).
    #[arg(long, conflicts_with = "v2")]
    pub probe: bool,

    /// Damage the callback after signing; the correct answer is a refusal.
    #[arg(long, value_enum, conflicts_with = "v2")]
    pub tamper: Option<Tamper>,

    /// Shift Wechatpay-Timestamp by this many seconds (e.g. -600 for a stale callback).
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub timestamp_offset: i64,

    /// Notification id (APIv3 `id`); default a fresh random one.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// Merchant order number (out_trade_no) of a payment or refund; default the test
    /// sample's.
    #[arg(long, value_name = "NO")]
    pub out_trade_no: Option<String>,

    /// Amount in fen (分) of a payment or refund.
    #[arg(long, value_name = "FEN", default_value_t = 1)]
    pub amount: u64,

    /// After the first delivery, deliver the same notification N more times along WeChat
    /// Pay's retry schedule (15s, 15s, 30s, 3m, ...), to test the receiver's idempotency.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=15))]
    pub retries: u8,

    /// Multiply the retry schedule's waits by F, from 0 to 1 (e.g. 0.001 turns 15 s into
    /// 15 ms).
    #[arg(long, value_name = "F", default_value_t = 1.0)]
    pub time_scale: f64,

    /// Override what counts as the correct reply (default: accept, or reject for
    /// --probe, --tamper and a --timestamp-offset beyond 300 s).
    #[arg(long, value_enum)]
    pub expect: Option<Expect>,

    /// How long WeChat Pay waits for a reply, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub timeout: f64,
}

/// Arguments of `listen`.
#[derive(Args, Clone)]
pub struct ListenArgs {
    /// Port to listen on (0 picks a free one, printed at start).
    #[arg(long, value_name = "P")]
    pub port: u16,

    /// Address to bind.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,

    /// Save every callback as a raw request file in DIR, for `doctor`.
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,

    /// Wait this long before answering, to see what a slow endpoint does to WeChat Pay.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub delay_ms: u64,

    /// Several merchants behind one notify_url: a TOML file listing each [[merchant]] with its
    /// mchid, its APIv3 key's file (apiv3_key_file) or environment variable (apiv3_key_env),
    /// and its public_keys and certificates files (paths relative to the file). Instead of
    /// --apiv3-key*, --public-key and --certificate.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["apiv3_key", "apiv3_key_file", "public_keys", "certificates"]
    )]
    pub config: Option<PathBuf>,

    /// Keys and limits.
    #[command(flatten)]
    pub keys: VerifierArgs,
}

/// Arguments of `check-url`.
#[derive(Args, Clone)]
pub struct CheckUrlArgs {
    /// The notify_url to check.
    #[arg(value_name = "URL")]
    pub url: String,
}

/// Arguments of `decrypt-certs`.
#[derive(Args, Clone)]
pub struct DecryptCertsArgs {
    /// The response body of GET /v3/certificates (JSON), or the whole raw HTTP response
    /// (whose signature is then verified when --public-key or --certificate is given).
    #[arg(value_name = "RESPONSE_FILE")]
    pub response: PathBuf,

    /// Directory to write SERIAL.pem files into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Keys: the APIv3 key, and optionally keys to verify a raw response with.
    #[command(flatten)]
    pub keys: VerifierArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
