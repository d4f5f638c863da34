//! Decimal numbers written as text: durations in CSV cells and string-typed JSON fields, and
//! thresholds in the URL.
//!
//! The standard library's `f64::from_str` is correctly rounded for every input, and carries a
//! 10 KB table of powers of five for it; these values are milliseconds and thresholds, where
//! fifteen significant digits are plenty. Up to fifteen digits and a power of ten within ±22
//! (every duration and threshold an export or a link holds), the result is still the correctly
//! rounded one: both factors are exact in an `f64`, so one multiplication or division rounds
//! once. Beyond that it is within a few units in the last place.

/// Parses `[+-]digits[.digits][(e|E)[+-]digits]` (either side of the point may be empty, not
/// both), as Rust's `f64` parser does for finite values; `None` for anything else, including
/// `inf` and `NaN`.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let mut bytes = text.as_bytes();
    let negative = match bytes.first() {
        Some(b'-') => true,
        Some(b'+') => false,
        _ => {
            return parse_unsigned(bytes);
        }
    };
    bytes = bytes.get(1..).unwrap_or_default();
    parse_unsigned(bytes).map(|v| if negative { -v } else { v })
}

fn parse_unsigned(bytes: &[u8]) -> Option<f64> {
    // Significant digits kept in `mantissa`; `exp10` is the power of ten that scales it.
    let mut mantissa: u64 = 0;
    let mut kept = 0u32;
    let mut exp10: i64 = 0;
    let mut digits = 0usize;
    let mut rest = bytes;
    let mut in_fraction = false;
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                if mantissa == 0 && b == b'0' {
                    // Leading zeros add no significant digit.
                    if in_fraction {
                        exp10 -= 1;
                    }
                } else if kept < 19 {
                    mantissa = mantissa * 10 + u64::from(b - b'0');
                    kept += 1;
                    if in_fraction {
                        exp10 -= 1;
                    }
                } else if !in_fraction {
                    // Digits past the nineteenth only scale the integer part.
                    exp10 += 1;
                }
            }
            b'.' if !in_fraction => in_fraction = true,
            b'e' | b'E' => {
                if digits == 0 {
                    return None;
                }
                exp10 = exp10.checked_add(parse_exponent(tail)?)?;
                rest = &[];
                break;
            }
            _ => return None,
        }
        rest = tail;
    }
    if digits == 0 || !rest.is_empty() {
        return None;
    }
    Some(scale(mantissa, exp10))
}

/// The exponent after `e`: an optional sign and at least one digit, saturating far outside
/// the range of an `f64`.
fn parse_exponent(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', tail)) => (true, tail),
        Some((b'+', tail)) => (false, tail),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return None;
    }
    let mut e: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        e = (e * 10 + i64::from(b - b'0')).min(100_000);
    }
    Some(if negative { -e } else { e })
}

/// `mantissa × 10^exp10`, exact when both factors are.
fn scale(mantissa: u64, exp10: i64) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    let m = mantissa as f64;
    if (-22..=22).contains(&exp10) {
        let p = pow10(exp10.unsigned_abs() as i32);
        return if exp10 < 0 { m / p } else { m * p };
    }
    if exp10 > 308 + 19 {
        return f64::INFINITY;
    }
    if exp10 < -343 {
        return 0.0;
    }
    // Two steps keep the intermediate power finite for the smallest values.
    let e = exp10 as i32;
    if e < 0 {
        m / pow10(-e / 2) / pow10(-e - (-e / 2))
    } else {
        m * pow10(e / 2) * pow10(e - e / 2)
    }
}

/// 10^n; exact up to n = 22 (each product on the way is exactly representable).
fn pow10(n: i32) -> f64 {
    10f64.powi(n)
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    #[test]
    fn durations_and_thresholds_read_as_the_standard_parser_reads_them() {
        for text in [
            "0",
            "7",
            "1200",
            "1200.0",
            "0.5",
            ".5",
            "5.",
            "+3",
            "-2.25",
            "007",
            "1e3",
            "1E-3",
            "2.5e+2",
            "4294967295",
            "4294967296.75",
            "123456789012345",
            "0.000123",
            "3.14159",
            "99999999999999999999",
            "1e22",
            "1e23",
            "6.02214076e23",
            "1e-7",
            "1e300",
            "1e400",
            "1e-400",
            "0e0",
            "-0",
        ] {
            let want: f64 = text.parse().unwrap_or(f64::NAN);
            let got = parse_decimal(text).unwrap_or(f64::NAN);
            let close = if want.is_finite() && want != 0.0 {
                ((got - want) / want).abs() < 1e-15
            } else {
                got == want
            };
            assert!(close, "{text}: got {got}, std gives {want}");
        }
        // Fifteen digits and a small power of ten: exactly the correctly rounded value.
        for text in ["0.1", "0.3", "123.456", "98765.4321", "1.5e-5", "42e10"] {
            assert_eq!(parse_decimal(text), text.parse().ok(), "{text}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "12a", " 1", "1 ", "NaN", "inf", "--1",
            "1,5", "0x10",
        ] {
            assert_eq!(parse_decimal(text), None, "{text:?}");
        }
    }
}
