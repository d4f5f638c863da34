//! Stable sorting through a single instance of the standard library's sort.
//!
//! Every `slice::sort_by` call with its own closure or element type compiles a fresh copy of
//! the sort algorithm, several kilobytes each; with some fifty sorted lists in the analyses,
//! findings, lifecycle and generator, those copies were an eighth of the worker's wasm. These
//! functions sort a permutation of indices with one comparator type (`dyn FnMut`), then move
//! the elements into place, so the algorithm is compiled once. The cost is an indirect call per
//! comparison: right for the short lists of reports and findings, wrong for the hot paths
//! (sorting a million explorer rows), which keep `sort_unstable_by_key` on plain keys.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, keeping equal elements in their order (like `slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = v;
        permutation(
            items.len(),
            &mut |a, b| match (items.get(a), items.get(b)) {
                (Some(x), Some(y)) => cmp(x, y),
                _ => a.cmp(&b),
            },
        )
    };
    apply(v, order);
}

/// Sorts `v` by the key `key` computes, keeping equal elements in their order.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The indices `0..n` in the order `cmp` gives them; the one place the sort is instantiated.
fn permutation(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Rearranges `v` so that `v[k]` becomes the old `v[order[k]]`, following each cycle of the
/// permutation with swaps; a visited position is marked by pointing it at itself.
fn apply<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut k = start;
        while let Some(slot) = order.get_mut(k) {
            let j = std::mem::replace(slot, k);
            if j == start || j >= v.len() {
                break;
            }
            v.swap(k, j);
            k = j;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sort() {
        // Pairs sorted by their first half only: the second half shows the order of ties.
        let mut seed = 7u64;
        for len in [0usize, 1, 2, 3, 10, 57, 300] {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|p| p.0);
            let mut got = items.clone();
            sort_by_key(&mut got, |p| p.0);
            assert_eq!(got, expected, "length {len}");
            let mut desc = items;
            sort_by(&mut desc, |a, b| b.cmp(a));
            let mut expected_desc = expected;
            expected_desc.sort_by(|a, b| b.cmp(a));
            assert_eq!(desc, expected_desc, "length {len}, descending");
        }
    }

    #[test]
    fn sorts_owned_values() {
        let mut words = vec![
            "pear".to_string(),
            "apple".into(),
            "fig".into(),
            "apple".into(),
        ];
        sort(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "pear"]);
    }
}
