//! Timestamps as the exports write them, to and from milliseconds since the Unix epoch (UTC).
//!
//! Graph and the portal write ISO 8601 with up to 7 fractional digits; Log Analytics CSV exports
//! write US-style `8/23/2022, 1:36:50.353 PM`; diagnostic exports may use `M/d/yyyy h:mm:ss a`.
//! Every time is UTC; a time without an offset is read as UTC.

/// Parses any timestamp spelling the exports use. Returns `None` when the text is not a time.
///
/// ISO 8601 / RFC 3339: `2022-08-23T13:36:50.3538931Z`, with `T`, `t` or a space between date
/// and time, seconds and fraction optional, and `Z`, an offset (`+02:00`, `+0200`, also after a
/// space) or nothing (read as UTC). US style: `8/23/2022, 1:36:50.353 PM`, the comma, seconds,
/// fraction and AM/PM optional (without AM/PM the hour is 0–23), then optionally an offset.
/// Fractions keep their milliseconds (further digits are dropped, as chrono drops them).
/// Every field is range-checked, the day against its month and leap years.
pub fn parse_time_ms(text: &str) -> Option<i64> {
    let t = text.trim().trim_start_matches('\u{feff}');
    let b = t.as_bytes();
    let mut c = Cursor { b, i: 0 };
    let stamp = if b.len() >= 10 && b.get(4) == Some(&b'-') {
        iso(&mut c)?
    } else {
        us(&mut c)?
    };
    (c.i == b.len()).then_some(())?;
    stamp.to_ms()
}

/// The fields of a timestamp as written, before they are checked and combined.
struct Stamp {
    year: i64,
    month: i64,
    day: i64,
    clock: Clock,
    /// East of UTC, in minutes.
    offset_min: i64,
}

/// A time of day as written (24-hour).
struct Clock {
    hour: i64,
    minute: i64,
    second: i64,
    milli: i64,
}

impl Stamp {
    fn to_ms(&self) -> Option<i64> {
        let month_days = match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        // A second of 60 is a leap second: read, as chrono reads it, as a second past :59.
        let Clock {
            hour,
            minute,
            second,
            milli,
        } = self.clock;
        let fits =
            (1..=month_days).contains(&self.day) && hour <= 23 && minute <= 59 && second <= 60;
        fits.then_some(())?;
        let days = days_from_civil(self.year, self.month, self.day);
        let in_day = ((hour * 60 + minute) * 60 + second) * 1000 + milli;
        Some(days * 86_400_000 + in_day - self.offset_min * 60_000)
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A position in the text being read.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Consumes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.i += usize::from(hit);
        hit
    }

    /// Reads `min` to `max` ASCII digits as a number.
    fn number(&mut self, min: usize, max: usize) -> Option<i64> {
        let mut n = 0i64;
        let mut count = 0;
        while count < max {
            match self.peek() {
                Some(d @ b'0'..=b'9') => {
                    n = n * 10 + i64::from(d - b'0');
                    self.i += 1;
                    count += 1;
                }
                _ => break,
            }
        }
        (count >= min).then_some(n)
    }

    /// `.digits` if present: its milliseconds (digits after the third are dropped). A point
    /// without a digit is not a fraction.
    fn fraction_ms(&mut self) -> Option<i64> {
        if !self.eat(b'.') {
            return Some(0);
        }
        let start = self.i;
        let mut ms = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            if self.i - start < 3 {
                ms = ms * 10 + i64::from(d - b'0');
            }
            self.i += 1;
        }
        match self.i - start {
            0 => None,
            1 => Some(ms * 100),
            2 => Some(ms * 10),
            _ => Some(ms),
        }
    }

    /// `HH:MM[:SS[.fff]]`.
    fn clock(&mut self, hour_digits: usize) -> Option<Clock> {
        let hour = self.number(hour_digits, 2)?;
        self.eat(b':').then_some(())?;
        let minute = self.number(2, 2)?;
        let (second, milli) = if self.eat(b':') {
            (self.number(2, 2)?, self.fraction_ms()?)
        } else {
            (0, 0)
        };
        Some(Clock {
            hour,
            minute,
            second,
            milli,
        })
    }

    /// `+HH:MM`, `+HHMM` or `-…`, as minutes east of UTC.
    fn offset(&mut self) -> Option<i64> {
        let sign = match self.peek()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.i += 1;
        let hours = self.number(2, 2)?;
        self.eat(b':');
        let minutes = self.number(2, 2)?;
        (hours <= 23 && minutes <= 59).then_some(sign * (hours * 60 + minutes))
    }

    /// Whatever may follow an ISO time: nothing, `Z`, an offset, or a space and `UTC`/`GMT`,
    /// `Z` or an offset.
    fn iso_zone(&mut self) -> Option<i64> {
        match self.peek() {
            None => Some(0),
            Some(b'Z' | b'z') => {
                self.i += 1;
                Some(0)
            }
            Some(b'+' | b'-') => self.offset(),
            Some(b' ') => {
                self.i += 1;
                let rest = self.b.get(self.i..).unwrap_or_default();
                if rest.eq_ignore_ascii_case(b"utc") || rest.eq_ignore_ascii_case(b"gmt") {
                    self.i = self.b.len();
                    Some(0)
                } else if rest.eq_ignore_ascii_case(b"z") {
                    self.i += 1;
                    Some(0)
                } else {
                    self.offset()
                }
            }
            Some(_) => None,
        }
    }
}

fn iso(c: &mut Cursor<'_>) -> Option<Stamp> {
    let year = c.number(4, 4)?;
    c.eat(b'-').then_some(())?;
    let month = c.number(2, 2)?;
    c.eat(b'-').then_some(())?;
    let day = c.number(2, 2)?;
    matches!(c.peek(), Some(b'T' | b't' | b' ')).then_some(())?;
    c.i += 1;
    let clock = c.clock(2)?;
    let offset_min = c.iso_zone()?;
    Some(Stamp {
        year,
        month,
        day,
        clock,
        offset_min,
    })
}

fn us(c: &mut Cursor<'_>) -> Option<Stamp> {
    let month = c.number(1, 2)?;
    c.eat(b'/').then_some(())?;
    let day = c.number(1, 2)?;
    c.eat(b'/').then_some(())?;
    let year = c.number(4, 4)?;
    c.eat(b',');
    c.eat(b' ').then_some(())?;
    let mut clock = c.clock(1)?;
    let mut offset_min = 0;
    if c.eat(b' ') {
        let rest = c.b.get(c.i..).unwrap_or_default();
        let meridiem = rest.get(..2).map(|m| m.to_ascii_uppercase());
        match meridiem.as_deref() {
            Some(m @ (b"AM" | b"PM")) => {
                // 12-hour clock: 12 AM is midnight, 12 PM noon.
                (1..=12).contains(&clock.hour).then_some(())?;
                clock.hour = clock.hour % 12 + if m == b"PM" { 12 } else { 0 };
                c.i += 2;
                if c.eat(b' ') {
                    offset_min = c.offset()?;
                }
            }
            _ => offset_min = c.offset()?,
        }
    }
    Some(Stamp {
        year,
        month,
        day,
        clock,
        offset_min,
    })
}

/// Formats milliseconds since the epoch as ISO 8601 UTC with milliseconds: `2022-08-23T13:36:50.353Z`.
pub fn format_iso_ms(ms: i64) -> String {
    iso_text(ms, true)
}

/// Formats as ISO 8601 UTC to the second when there are no milliseconds, else with them.
pub fn format_iso(ms: i64) -> String {
    iso_text(ms, ms.rem_euclid(1000) != 0)
}

/// The year, month and day of a count of days from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The smallest and largest years a date can have when formatted (as chrono has them).
const MIN_YEAR: i64 = -262_143;
const MAX_YEAR: i64 = 262_142;

/// ISO 8601 by plain arithmetic. Years outside 0..=9999 are written as chrono writes them
/// (`+10000`, `-0001`); dates chrono cannot represent give an empty string.
fn iso_text(ms: i64, with_ms: bool) -> String {
    let (year, month, day) = civil_from_days(ms.div_euclid(86_400_000));
    let in_day = ms.rem_euclid(86_400_000);
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
/// Empty for a year outside 0..=9999.
pub fn format_us(ms: i64) -> String {
    let (year, month, day) = civil_from_days(ms.div_euclid(86_400_000));
    if !(0..=9999).contains(&year) {
        return String::new();
    }
    let in_day = ms.rem_euclid(86_400_000);
    let (h, m, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1_000 % 60,
        in_day % 1_000,
    );
    let (h12, meridiem) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{month}/{day}/{year}, {h12}:{m:02}:{s:02}.{milli:03} {meridiem}")
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
    use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

    /// How these spellings were read with chrono's format strings; the hand-written reader
    /// must agree with it on every time the exports write.
    fn chrono_parse(text: &str) -> Option<i64> {
        let t = text.trim().trim_start_matches('\u{feff}');
        // The first format that reads `t`, without an offset (UTC) or with one.
        let naive = |formats: &[&str]| {
            formats.iter().find_map(|f| {
                let n = NaiveDateTime::parse_from_str(t, f).ok()?;
                Some(Utc.from_utc_datetime(&n).timestamp_millis())
            })
        };
        let offset = |formats: &[&str]| {
            formats.iter().find_map(|f| {
                DateTime::parse_from_str(t, f)
                    .ok()
                    .map(|d| d.timestamp_millis())
            })
        };
        if t.len() >= 10 && t.as_bytes()[4] == b'-' {
            return DateTime::parse_from_rfc3339(t)
                .ok()
                .map(|d| d.timestamp_millis())
                .or_else(|| {
                    naive(&[
                        "%Y-%m-%dT%H:%M:%S%.f",
                        "%Y-%m-%d %H:%M:%S%.f",
                        "%Y-%m-%dT%H:%M",
                        "%Y-%m-%d %H:%M:%S%.fZ",
                        "%Y-%m-%d %H:%M:%S%.f %Z",
                    ])
                })
                .or_else(|| offset(&["%Y-%m-%d %H:%M:%S%.f %z"]));
        }
        naive(&[
            "%m/%d/%Y, %I:%M:%S%.f %p",
            "%m/%d/%Y %I:%M:%S%.f %p",
            "%m/%d/%Y, %H:%M:%S%.f",
            "%m/%d/%Y %H:%M:%S%.f",
            "%m/%d/%Y, %I:%M %p",
            "%m/%d/%Y %H:%M",
        ])
        .or_else(|| {
            offset(&[
                "%m/%d/%Y %I:%M:%S%.f %p %:z",
                "%m/%d/%Y, %I:%M:%S%.f %p %:z",
            ])
        })
    }

    /// Every spelling of `ms` the exports use, at several precisions and offsets, each with
    /// the instant chrono reads from it with the format it was written in.
    fn spellings(ms: i64, offset_min: i64) -> Vec<(String, Option<i64>)> {
        let Some(utc) = Utc.timestamp_millis_opt(ms).single() else {
            return Vec::new();
        };
        let Some(zone) = chrono::FixedOffset::east_opt((offset_min * 60) as i32) else {
            return Vec::new();
        };
        let local = utc.with_timezone(&zone);
        let mut out = Vec::new();
        for (write, read) in [
            ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%SZ"),
            ("%Y-%m-%dT%H:%M:%S%.3fZ", "%Y-%m-%dT%H:%M:%S%.fZ"),
            ("%Y-%m-%dT%H:%M:%S%.6f", "%Y-%m-%dT%H:%M:%S%.f"),
            ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"),
            ("%Y-%m-%d %H:%M:%S%.3f", "%Y-%m-%d %H:%M:%S%.f"),
            ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M"),
            ("%Y-%m-%d %H:%M:%S%.3fZ", "%Y-%m-%d %H:%M:%S%.fZ"),
            ("%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d %H:%M:%S UTC"),
            ("%-m/%-d/%Y, %-I:%M:%S%.3f %p", "%m/%d/%Y, %I:%M:%S%.f %p"),
            ("%-m/%-d/%Y %-I:%M:%S %p", "%m/%d/%Y %I:%M:%S %p"),
            ("%m/%d/%Y, %H:%M:%S%.3f", "%m/%d/%Y, %H:%M:%S%.f"),
            ("%-m/%-d/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S"),
            ("%-m/%-d/%Y, %-I:%M %p", "%m/%d/%Y, %I:%M %p"),
            ("%-m/%-d/%Y %H:%M", "%m/%d/%Y %H:%M"),
        ] {
            let text = utc.format(write).to_string();
            let want = NaiveDateTime::parse_from_str(&text, read)
                .ok()
                .map(|n| Utc.from_utc_datetime(&n).timestamp_millis());
            out.push((text, want));
        }
        // Graph's seven fractional digits (chrono formats only 3, 6 or 9).
        let nanos = utc.format("%Y-%m-%dT%H:%M:%S%.9f").to_string();
        let text = format!("{}Z", nanos.get(..nanos.len() - 2).unwrap_or_default());
        out.push((
            text.clone(),
            DateTime::parse_from_rfc3339(&text)
                .ok()
                .map(|d| d.timestamp_millis()),
        ));
        for (write, read) in [
            ("%Y-%m-%dT%H:%M:%S%:z", "%Y-%m-%dT%H:%M:%S%:z"),
            ("%Y-%m-%dT%H:%M:%S%.3f%:z", "%Y-%m-%dT%H:%M:%S%.f%:z"),
            ("%Y-%m-%d %H:%M:%S%.3f %z", "%Y-%m-%d %H:%M:%S%.f %z"),
            ("%Y-%m-%d %H:%M:%S %:z", "%Y-%m-%d %H:%M:%S %:z"),
            (
                "%-m/%-d/%Y %-I:%M:%S%.3f %p %:z",
                "%m/%d/%Y %I:%M:%S%.f %p %:z",
            ),
            ("%-m/%-d/%Y, %-I:%M:%S %p %:z", "%m/%d/%Y, %I:%M:%S %p %:z"),
        ] {
            let text = local.format(write).to_string();
            let want = DateTime::parse_from_str(&text, read)
                .ok()
                .map(|d| d.timestamp_millis());
            out.push((text, want));
        }
        out
    }

    #[test]
    fn reads_every_spelling_as_chrono_reads_its_format() {
        let mut x: i64 = 0x2545_f491;
        let mut checked = 0;
        for k in 0..4_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            // 1900..2100, and midnights (the turns of years, months and days).
            let ms = -2_208_988_800_000 + (x >> 8).rem_euclid(6_311_433_600_000);
            let ms = if k % 4 == 0 {
                ms - ms.rem_euclid(86_400_000)
            } else {
                ms
            };
            let offset = [0, 120, -300, 330, -720, 840][k % 6];
            for (text, want) in spellings(ms, offset) {
                assert!(want.is_some(), "chrono reads {text}");
                assert_eq!(parse_time_ms(&text), want, "{text}");
                checked += 1;
            }
        }
        assert!(checked > 80_000);
    }

    #[test]
    fn an_offset_after_a_space_counts() {
        // chrono's `%Z` took `+0200` for a zone name and dropped it; it is an offset.
        assert_eq!(
            parse_time_ms("2022-08-23 15:36:50.353 +0200"),
            parse_time_ms("2022-08-23T13:36:50.353Z")
        );
        assert_ne!(
            chrono_parse("2022-08-23 15:36:50.353 +0200"),
            parse_time_ms("2022-08-23T13:36:50.353Z")
        );
    }

    #[test]
    fn refuses_what_chrono_refused() {
        for text in [
            "",
            "yesterday",
            "2022-13-01T00:00:00Z",
            "2022-02-29T00:00:00Z",
            "2021-04-31 10:00:00",
            "2022-08-23T24:00:00Z",
            "2022-08-23T13:60:00Z",
            "2022-08-23T13:36:61Z",
            "2022-08-23",
            "2022-08-23T",
            "2022-08-23T13",
            "2022-08-23T13:36:50.Z",
            "2022-08-23T13:36:50ZZ",
            "2022-08-23T13:36:50+25:00",
            "2022-08-23T13:36:50+02:60",
            "2022-08-23X13:36:50Z",
            "2022-8-23T13:36:50Z",
            "13/23/2022, 1:36:50 PM",
            "8/32/2022, 1:36:50 PM",
            "2/29/2023 10:00",
            "8/23/2022, 0:36:50 AM",
            "8/23/2022, 13:36:50 PM",
            "8/23/2022, 1:36:50 XM",
            "8/23/2022",
            "8/23/2022, 1:36:50 PM extra",
            "8-23-2022 10:00",
        ] {
            assert_eq!(chrono_parse(text), None, "chrono refused {text:?}");
            assert_eq!(parse_time_ms(text), None, "{text:?}");
        }
        // chrono read a two-digit year as the first century; it is refused now.
        assert!(chrono_parse("8/23/22, 1:36:50 PM").is_some());
        assert_eq!(parse_time_ms("8/23/22, 1:36:50 PM"), None);
        // Leap days are days.
        assert!(parse_time_ms("2024-02-29T00:00:00Z").is_some());
        assert!(parse_time_ms("2/29/2000 10:00").is_some());
        assert_eq!(parse_time_ms("2100-02-29T00:00:00Z"), None);
    }

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
        let chrono_us = |ms: i64| match Utc.timestamp_millis_opt(ms).single() {
            Some(dt) => dt.format("%-m/%-d/%Y, %-I:%M:%S%.3f %p").to_string(),
            None => String::new(),
        };
        let mut x: i64 = 99;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let ms = (x >> 8).rem_euclid(253_402_300_800_000);
            assert_eq!(format_us(ms), chrono_us(ms), "{ms}");
            assert_eq!(parse_time_ms(&format_us(ms)), Some(ms), "{ms}");
        }
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
