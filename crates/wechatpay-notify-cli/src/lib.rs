//! The `wechatpay-notify` command: find out in seconds why WeChat Pay callbacks (回调通知) do
//! not arrive or do not verify.
//!
//! Subcommands: `demo` (end to end on loopback), `doctor` and `parse` (a captured request in,
//! every check and the verdict out), `simulate` (send a signed test callback as WeChat Pay
//! does), `listen` (a local receiver), `check-url` (lint a notify_url) and `decrypt-certs`.
//! Everything is built on the `wechatpay-notify` core; this crate adds no verification logic.
//!
//! The library part exists for the binary and for fuzzing [`raw_request::parse`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod advice;
pub mod callback;
pub mod check_url;
pub mod cli;
pub mod config;
pub mod decrypt_certs;
pub mod demo;
pub mod demo_gateway;
pub mod doctor;
pub mod error;
pub mod inspect;
pub mod listen;
pub mod merchants;
pub mod raw_request;
pub mod serve;
pub mod simulate;
pub mod style;
pub mod timefmt;

use std::process::ExitCode;

use clap::Parser as _;

use crate::cli::{Cli, Command};
use crate::error::USAGE_EXIT;
use crate::style::Style;

/// Parses the command line, runs the subcommand and returns the exit status:
/// 0 accepted / no problem, 1 rejected / problem found, 2 usage error.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(USAGE_EXIT)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let style = if cli.json {
        Style::plain()
    } else {
        Style::detect(cli.color)
    };
    let json = cli.json;
    let result = match &cli.command {
        Command::Demo => demo::run(json, style),
        Command::Doctor(args) => doctor::run_doctor(args, json, style),
        Command::Parse(args) => doctor::run_parse(args, json),
        Command::Simulate(args) => simulate::run(args, json, style),
        Command::Listen(args) => listen::run(args, json, style),
        Command::CheckUrl(args) => check_url::run(args, json, style),
        Command::DecryptCerts(args) => decrypt_certs::run(args, json, style),
        Command::Serve(args) => serve::run(args),
        Command::Inbox(args) => serve::commands::run(args, json),
    };
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "ok": false, "error": "usage", "message": e.message() })
                );
            }
            eprintln!("wechatpay-notify: {}", e.message());
            ExitCode::from(USAGE_EXIT)
        }
    }
}
