//! `decrypt-certs`: turn a `GET /v3/certificates` response into `SERIAL.pem` files.

use serde_json::json;

use crate::cli::DecryptCertsArgs;
use crate::error::{read_input, CliResult, Outcome, UsageError};
use crate::raw_request::{self, StartLine};
use crate::style::Style;
use crate::timefmt;

/// A serial made safe as a file name (certificate serials are hex; anything else is dropped).
fn file_stem(serial: &str) -> String {
    serial
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Runs `decrypt-certs`.
pub fn run(args: &DecryptCertsArgs, json: bool, style: Style) -> CliResult {
    let input = read_input(&args.response)?;
    let config = args.keys.load()?;
    let key = config.apiv3_key.as_ref().ok_or_else(|| {
        UsageError::new(
            "decrypt-certs needs the APIv3 key: --apiv3-key-file FILE, --apiv3-key KEY or \
             WECHATPAY_APIV3_KEY",
        )
    })?;
    // A whole raw response (status line first) is split; its signature is checked when keys
    // to check it with were given.
    let mut verified: Option<bool> = None;
    let mut notes: Vec<String> = config.notes.clone();
    let body = if input.starts_with(b"HTTP/") {
        let msg = raw_request::parse(&input)
            .map_err(|e| UsageError::new(format!("{}: {e}", args.response.display())))?;
        if let Some(StartLine::Status { code, .. }) = &msg.start {
            if *code != 200 {
                notes.push(format!("the response status is {code}, not 200"));
            }
        }
        if let Some(verifier) = &config.verifier {
            match verifier.verify_response_at(&msg.headers, &msg.body, config.now()) {
                Ok(()) => verified = Some(true),
                Err(e) => {
                    verified = Some(false);
                    notes.push(format!("the response signature does not verify: {e}"));
                }
            }
        } else {
            notes.push(
                "the response signature was not checked: pass --public-key or --certificate to \
                 check it (the first download has nothing to check with; compare the serials with \
                 the merchant platform)"
                    .to_owned(),
            );
        }
        msg.body
    } else {
        input
    };
    let certs = wechatpay_notify::decrypt_certificates(key.secret.bytes(), &body).map_err(|e| {
        let hint = if e.code() == wechatpay_notify::ErrorCode::DecryptFailed {
            " (the APIv3 key is not the one set in the merchant platform)"
        } else {
            ""
        };
        UsageError::new(format!("{}: {e}{hint}", args.response.display()))
    });
    let certs = match certs {
        Ok(c) => c,
        Err(e) if json => {
            println!("{}", json!({ "ok": false, "error": e.message() }));
            return Ok(Outcome::Problem);
        }
        Err(e) => {
            println!("{} {}", style.mark(false), e.message());
            return Ok(Outcome::Problem);
        }
    };
    if certs.is_empty() {
        notes.push("the response holds no certificate".to_owned());
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| UsageError::new(format!("cannot create {}: {e}", args.out.display())))?;
    let now = config.now();
    let mut written = Vec::new();
    for cert in &certs {
        let path = args.out.join(format!("{}.pem", file_stem(&cert.serial_no)));
        let mut pem = cert.pem.clone();
        if !pem.ends_with('\n') {
            pem.push('\n');
        }
        std::fs::write(&path, pem)
            .map_err(|e| UsageError::new(format!("cannot write {}: {e}", path.display())))?;
        written.push((path, cert));
    }
    let ok = !certs.is_empty() && verified != Some(false);
    if json {
        let list: Vec<_> = written
            .iter()
            .map(|(path, c)| {
                json!({
                    "serial_no": c.serial_no,
                    "file": path,
                    "not_before": c.not_before,
                    "not_after": c.not_after,
                    "effective_time": c.effective_time,
                    "expire_time": c.expire_time,
                    "valid_now": c.not_before <= now && now <= c.not_after,
                })
            })
            .collect();
        println!(
            "{}",
            json!({ "ok": ok, "certificates": list, "signature_verified": verified, "notes": notes })
        );
    } else {
        for (path, c) in &written {
            let valid = c.not_before <= now && now <= c.not_after;
            println!(
                "{} {}  serial {}  valid {} to {}{}",
                style.mark(valid),
                path.display(),
                c.serial_no,
                timefmt::utc(c.not_before),
                timefmt::utc(c.not_after),
                if valid { "" } else { "  (not valid now)" }
            );
        }
        if verified == Some(true) {
            println!("{} response signature verified", style.mark(true));
        }
        for n in &notes {
            println!("{} {n}", style.warn("note:"));
        }
        if !written.is_empty() {
            println!(
                "use them with: --certificate {}",
                written
                    .iter()
                    .map(|(p, _)| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" --certificate ")
            );
        }
    }
    Ok(Outcome::from_ok(ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("5dea10ef"), "5DEA10EF");
        assert_eq!(file_stem("../../etc/passwd"), "ETCPASSWD");
    }
}
