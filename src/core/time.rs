//! Timestamps as the exports write them, to and from milliseconds since the Unix epoch (UTC).
//!
//! Graph and the portal write ISO 8601 with up to 7 fractional digits; Log Analytics CSV exports
//! write US-style `8/23/2022, 1:36:50.353 PM`; diagnostic exports may use `M/d/yyyy h:mm:ss a`.
//! Every time is UTC; a time without an offset is read as UTC.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

/// Parses any timestamp spelling the exports use. Returns `None` when the text is not a time.
pub fn parse_time_ms(text: &str) -> Option<i64> {
    let t = text.trim().trim_start_matches('\u{feff}');
    if t.is_empty() {
        return None;
    }
    let bytes = t.as_bytes();
    // ISO 8601 starts with a four-digit year and a dash.
    if bytes.len() >= 10 && bytes[4] == b'-' {
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Some(dt.timestamp_millis());
        }
        // A space instead of `T`, or no offset at all: read as UTC.
        for fmt in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S%.fZ",
            "%Y-%m-%d %H:%M:%S%.f %Z",
        ] {
            if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
                return Some(Utc.from_utc_datetime(&n).timestamp_millis());
            }
        }
        if let Ok(dt) = DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f %z") {
            return Some(dt.timestamp_millis());
        }
        return None;
    }
    // US style, as Log Analytics and the diagnostic pipeline write it.
    for fmt in [
        "%m/%d/%Y, %I:%M:%S%.f %p",
        "%m/%d/%Y %I:%M:%S%.f %p",
        "%m/%d/%Y, %H:%M:%S%.f",
        "%m/%d/%Y %H:%M:%S%.f",
        "%m/%d/%Y, %I:%M %p",
        "%m/%d/%Y %H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(Utc.from_utc_datetime(&n).timestamp_millis());
        }
    }
    // `M/d/yyyy h:mm:ss a XXX`: US style followed by an offset.
    for fmt in [
        "%m/%d/%Y %I:%M:%S%.f %p %:z",
        "%m/%d/%Y, %I:%M:%S%.f %p %:z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
            return Some(dt.timestamp_millis());
        }
    }
    None
}

/// Formats milliseconds since the epoch as ISO 8601 UTC with milliseconds: `2022-08-23T13:36:50.353Z`.
pub fn format_iso_ms(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => String::new(),
    }
}

/// Formats as ISO 8601 UTC to the second when there are no milliseconds, else with them.
pub fn format_iso(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(dt) if ms.rem_euclid(1000) == 0 => dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => String::new(),
    }
}

/// Formats as the US-style text a Log Analytics CSV export uses: `8/23/2022, 1:36:50.353 PM`.
pub fn format_us(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(dt) => dt.format("%-m/%-d/%Y, %-I:%M:%S%.3f %p").to_string(),
        None => String::new(),
    }
}

/// A short human-readable duration: `11 h 40 min`, `40 min`, `3 s`.
pub fn format_duration_ms(ms: i64) -> String {
    let ms = ms.max(0);
    let s = ms / 1000;
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    if d > 0 {
        if h > 0 {
            format!("{d} d {h} h")
        } else {
            format!("{d} d")
        }
    } else if h > 0 {
        if m > 0 {
            format!("{h} h {m} min")
        } else {
            format!("{h} h")
        }
    } else if m > 0 {
        format!("{m} min")
    } else if s > 0 {
        format!("{s} s")
    } else {
        format!("{ms} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &str) {
        let ms = parse_time_ms(text);
        assert_eq!(ms.map(format_iso_ms).as_deref(), Some(expected), "{text}");
    }

    #[test]
    fn reads_every_spelling() {
        check("2019-05-04T03:00:54Z", "2019-05-04T03:00:54.000Z");
        check("2022-08-23T13:36:50.3538931Z", "2022-08-23T13:36:50.353Z");
        check("2022-08-23T13:36:52.869547Z", "2022-08-23T13:36:52.869Z");
        check("2022-08-23T13:36:52+02:00", "2022-08-23T11:36:52.000Z");
        check("2022-08-23 13:36:52", "2022-08-23T13:36:52.000Z");
        check("8/23/2022, 1:36:50.353 PM", "2022-08-23T13:36:50.353Z");
        check("8/23/2022, 12:05:00.000 AM", "2022-08-23T00:05:00.000Z");
        check("8/23/2022 1:36:50 PM", "2022-08-23T13:36:50.000Z");
        check("\u{feff}8/23/2022, 1:36:50 PM", "2022-08-23T13:36:50.000Z");
    }

    #[test]
    fn rejects_non_times() {
        assert_eq!(parse_time_ms(""), None);
        assert_eq!(parse_time_ms("yesterday"), None);
        assert_eq!(parse_time_ms("2022-13-45T00:00:00Z"), None);
    }

    #[test]
    fn us_format_round_trips() {
        let ms = parse_time_ms("2022-08-23T13:36:50.353Z").unwrap_or_default();
        assert_eq!(format_us(ms), "8/23/2022, 1:36:50.353 PM");
        assert_eq!(parse_time_ms(&format_us(ms)), Some(ms));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration_ms(42_000_000), "11 h 40 min");
        assert_eq!(format_duration_ms(2_400_000), "40 min");
        assert_eq!(format_duration_ms(90_000_000), "1 d 1 h");
    }
}
