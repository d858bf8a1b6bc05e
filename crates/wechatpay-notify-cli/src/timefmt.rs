//! Formatting Unix seconds as dates, without a date library.

/// Unix seconds as `2024-05-01T12:00:00Z`.
pub fn utc(secs: i64) -> String {
    format_offset(secs, 0, "Z")
}

/// Unix seconds as Beijing time, `2024-05-01T20:00:00+08:00`, as WeChat Pay writes times.
pub fn beijing(secs: i64) -> String {
    format_offset(secs, 8 * 3600, "+08:00")
}

fn format_offset(secs: i64, offset: i64, suffix: &str) -> String {
    let Some(local) = secs.checked_add(offset) else {
        return format!("{secs} (out of range)");
    };
    let days = local.div_euclid(86_400);
    let rem = local.rem_euclid(86_400);
    let Some((y, m, d)) = civil_from_days(days) else {
        return format!("{secs} (out of range)");
    };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{suffix}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian; None beyond year 9999.
fn civil_from_days(days: i64) -> Option<(i64, u32, u32)> {
    if !(-719_468..=2_932_896).contains(&days) {
        return None;
    }
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some((y, m, d))
}

/// A duration in seconds as `3h 2m 5s`, `45s`, or `1d 0h 4m`.
pub fn duration(secs: u64) -> String {
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) if s == 0 => format!("{m}m"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) if m == 0 && s == 0 => format!("{h}h"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h {m}m"),
    }
}

/// The system clock, Unix seconds (the core's clock).
pub use wechatpay_notify::unix_now as now;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(beijing(1_700_000_000), "2023-11-15T06:13:20+08:00");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(-1), "1969-12-31T23:59:59Z");
        assert!(utc(i64::MAX).contains("out of range"));
        assert!(utc(i64::MIN).contains("out of range"));
    }

    #[test]
    fn durations() {
        assert_eq!(duration(15), "15s");
        assert_eq!(duration(180), "3m");
        assert_eq!(duration(3600), "1h");
        assert_eq!(duration(3 * 3600 + 120), "3h 2m");
        assert_eq!(duration(90_000), "1d 1h 0m");
    }
}
