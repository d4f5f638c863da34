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
    iso(ms, true)
}

/// Formats as ISO 8601 UTC to the second when there are no milliseconds, else with them.
pub fn format_iso(ms: i64) -> String {
    iso(ms, ms.rem_euclid(1000) != 0)
}

/// The smallest and largest years a date can have (as in chrono, which parses the inputs).
const MIN_YEAR: i64 = -262_143;
const MAX_YEAR: i64 = 262_142;

/// ISO 8601 by plain arithmetic (Howard Hinnant's `civil_from_days`). The page formats times
/// too, and this keeps chrono's formatting machinery out of its wasm. Years outside 0..=9999
/// are written as chrono writes them (`+10000`, `-0001`); dates chrono cannot represent give
/// an empty string.
fn iso(ms: i64, with_ms: bool) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return String::new();
    }
    let year_text = if year > 9999 {
        format!("+{year}")
    } else if year < 0 {
        format!("-{:04}", -year)
    } else {
        format!("{year:04}")
    };
    let (h, m, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1_000 % 60,
        in_day % 1_000,
    );
    if with_ms {
        format!("{year_text}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
    } else {
        format!("{year_text}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
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

    #[test]
    fn iso_formatting_matches_chrono() {
        let chrono_iso = |ms: i64, with_ms: bool| match Utc.timestamp_millis_opt(ms).single() {
            Some(dt) if with_ms => dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            Some(dt) => dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            None => String::new(),
        };
        let mut samples: Vec<i64> = vec![
            0,
            -1,
            1,
            951_782_400_000,
            1_661_261_810_353,
            4_102_444_800_000,
            -62_135_596_800_000,
            -62_135_596_800_001,
            253_402_300_799_999,
            253_402_300_800_000,
            8_210_266_876_799_999,
            8_210_266_876_800_000,
            -8_334_601_228_800_000,
            -8_334_601_228_800_001,
        ];
        let mut x: i64 = 0x1234_5678;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            samples.push(x % 9_000_000_000_000_000);
            samples.push((x >> 20) % 10_000_000_000_000);
        }
        for ms in samples {
            assert_eq!(format_iso_ms(ms), chrono_iso(ms, true), "{ms}");
            assert_eq!(
                format_iso(ms),
                chrono_iso(ms, ms.rem_euclid(1000) != 0),
                "{ms}"
            );
        }
    }
}
