//! Robust statistics for baselines: median and median absolute deviation, so that one bad cycle
//! does not hide itself by raising the average it is compared with.

/// The median of the values (the mean of the middle two for an even count); 0 when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    crate::core::sort::sort_by(&mut v, f64::total_cmp);
    let n = v.len();
    let hi = v.get(n / 2).copied().unwrap_or(0.0);
    if !n.is_multiple_of(2) {
        hi
    } else {
        let lo = v.get(n / 2 - 1).copied().unwrap_or(hi);
        (lo + hi) / 2.0
    }
}

/// Median absolute deviation from the median.
pub fn mad(values: &[f64]) -> f64 {
    let m = median(values);
    let dev: Vec<f64> = values.iter().map(|x| (x - m).abs()).collect();
    median(&dev)
}

/// A robust z-score of `x` against `values`: (x − median) / (1.4826 × MAD), the scale never
/// below `min_scale` so a flat baseline does not turn every small change into infinity.
pub fn robust_z(x: f64, values: &[f64], min_scale: f64) -> f64 {
    let scale = (1.4826 * mad(values)).max(min_scale);
    (x - median(values)) / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_mad_resist_one_outlier() {
        let v = [1.0, 2.0, 2.0, 3.0, 100.0];
        assert_eq!(median(&v), 2.0);
        assert_eq!(mad(&v), 1.0);
        assert_eq!(median(&[1.0, 3.0]), 2.0);
        assert_eq!(median(&[]), 0.0);
        assert!(robust_z(100.0, &v, 1.0) > 30.0);
        assert_eq!(robust_z(5.0, &[0.0, 0.0, 0.0], 1.0), 5.0);
    }
}
