//! How a command ends: its exit status, and the errors that stop it before it can judge.

use std::fmt;
use std::process::ExitCode;

/// The outcome of a command that ran to the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: the callback was accepted, the URL is fine, every outcome was correct.
    Ok,
    /// Exit 1: the callback was rejected, or a problem was found.
    Problem,
}

impl Outcome {
    /// `Ok` when `ok` is true, `Problem` otherwise.
    pub fn from_ok(ok: bool) -> Outcome {
        if ok {
            Outcome::Ok
        } else {
            Outcome::Problem
        }
    }

    /// The process exit status.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Ok => ExitCode::SUCCESS,
            Outcome::Problem => ExitCode::from(1),
        }
    }
}

/// Exit status for usage errors (bad arguments, unreadable files, invalid keys).
pub const USAGE_EXIT: u8 = 2;

/// A command could not do its job because of how it was called: exit status 2.
///
/// Messages never contain a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError {
    message: String,
}

impl UsageError {
    /// A usage error with this message.
    pub fn new(message: impl Into<String>) -> UsageError {
        UsageError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}

/// The result of a command.
pub type CliResult = Result<Outcome, UsageError>;

/// Reads a file, or standard input for `-`, naming the file in the error.
pub fn read_input(path: &std::path::Path) -> Result<Vec<u8>, UsageError> {
    use std::io::Read as _;
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| UsageError::new(format!("cannot read standard input: {e}")))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| UsageError::new(format!("cannot read {}: {e}", path.display())))
}
