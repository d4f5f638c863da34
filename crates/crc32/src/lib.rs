//! CRC-32 (IEEE 802.3, reflected, as gzip and zip use it) with the API that flate2 and zip call
//! on the `crc32fast` crate, which this crate replaces in the build (`[patch.crates-io]` in the
//! workspace manifest).
//!
//! Why: crc32fast's portable code, the one the browser's wasm runs, reads a 16 KB table of
//! constants (sixteen tables of 256 entries). Constants that look random do not compress, so
//! the table was 16 KB of the gzipped download, about 3 % of it. Here the eight tables of the
//! slice-by-8 method are computed on first use instead (8 KB of memory, microseconds once), so
//! the download carries only the code. Natively crc32fast would use carry-less multiplication
//! instructions; slice-by-8 is still far faster than inflating the data it checks.

use std::fmt;
use std::sync::OnceLock;

/// The reflected IEEE polynomial.
const POLY: u32 = 0xEDB8_8320;

/// `T[0]` is the classic byte-at-a-time table; `T[k][b]` is the CRC of byte `b` followed by
/// `k` zero bytes, so eight table look-ups advance the CRC by eight bytes.
type Tables = [[u32; 256]; 8];

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Box<Tables>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Box::new([[0u32; 256]; 8]);
        for (b, entry) in (0u32..).zip(t[0].iter_mut()) {
            let mut c = b;
            for _ in 0..8 {
                c = if c & 1 == 1 { POLY ^ (c >> 1) } else { c >> 1 };
            }
            *entry = c;
        }
        for k in 1..8 {
            for b in 0..256 {
                let prev = t[k - 1][b];
                t[k][b] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            }
        }
        t
    })
}

/// Continues the CRC `crc` (a finished value, 0 for no bytes) over `buf`.
fn update(crc: u32, buf: &[u8]) -> u32 {
    let t = tables();
    let byte = |x: u32, shift: u32| ((x >> shift) & 0xff) as usize;
    let mut c = !crc;
    let mut words = buf.chunks_exact(8);
    for w in &mut words {
        let lo = u32::from_le_bytes([w[0], w[1], w[2], w[3]]) ^ c;
        let hi = u32::from_le_bytes([w[4], w[5], w[6], w[7]]);
        c = t[7][byte(lo, 0)]
            ^ t[6][byte(lo, 8)]
            ^ t[5][byte(lo, 16)]
            ^ t[4][byte(lo, 24)]
            ^ t[3][byte(hi, 0)]
            ^ t[2][byte(hi, 8)]
            ^ t[1][byte(hi, 16)]
            ^ t[0][byte(hi, 24)];
    }
    for &b in words.remainder() {
        c = (c >> 8) ^ t[0][byte(c ^ u32::from(b), 0)];
    }
    !c
}

/// The product of the 32×32 bit matrix `m` (by columns) with the vector `v`, over GF(2).
fn times(m: &[u32; 32], mut v: u32) -> u32 {
    let mut sum = 0;
    for column in m {
        if v == 0 {
            break;
        }
        if v & 1 == 1 {
            sum ^= column;
        }
        v >>= 1;
    }
    sum
}

fn square(m: &[u32; 32]) -> [u32; 32] {
    let mut out = [0u32; 32];
    for (o, &column) in out.iter_mut().zip(m) {
        *o = times(m, column);
    }
    out
}

/// The CRC of `a` followed by `b`, from the CRC of `a`, the CRC of `b` and the length of `b`:
/// `crc_a` is advanced over `len_b` zero bytes (the operator for 2^k zero bits is squared k
/// times) and the CRC of `b` added.
fn combine(crc_a: u32, crc_b: u32, len_b: u64) -> u32 {
    if len_b == 0 {
        return crc_a;
    }
    // The operator for one zero bit, then for two and for four.
    let mut one = [0u32; 32];
    one[0] = POLY;
    for (k, column) in one.iter_mut().enumerate().skip(1) {
        *column = 1 << (k - 1);
    }
    let mut op = square(&square(&one));
    let mut crc = crc_a;
    let mut n = len_b;
    // Each step squares the operator to the next power of two of zero bytes (8 bits first).
    while n != 0 {
        op = square(&op);
        if n & 1 == 1 {
            crc = times(&op, crc);
        }
        n >>= 1;
    }
    crc ^ crc_b
}

/// The CRC-32 of `buf`.
pub fn hash(buf: &[u8]) -> u32 {
    update(0, buf)
}

/// A running CRC-32.
#[derive(Clone)]
pub struct Hasher {
    amount: u64,
    state: u32,
}

impl Hasher {
    pub fn new() -> Self {
        Self::new_with_initial(0)
    }

    /// Continues from the CRC `init` of earlier bytes.
    pub fn new_with_initial(init: u32) -> Self {
        Self::new_with_initial_len(init, 0)
    }

    /// Continues from the CRC `init` of `amount` earlier bytes.
    pub fn new_with_initial_len(init: u32, amount: u64) -> Self {
        Hasher {
            amount,
            state: init,
        }
    }

    pub fn update(&mut self, buf: &[u8]) {
        self.amount += buf.len() as u64;
        self.state = update(self.state, buf);
    }

    /// Bytes hashed so far.
    pub fn total_len(&self) -> u64 {
        self.amount
    }

    pub fn finalize(self) -> u32 {
        self.state
    }

    pub fn reset(&mut self) {
        self.state = 0;
        self.amount = 0;
    }

    /// Continues as if the bytes `other` hashed had followed.
    pub fn combine(&mut self, other: &Self) {
        self.amount += other.amount;
        self.state = combine(self.state, other.state, other.amount);
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("crc32fast::Hasher").finish()
    }
}

impl std::hash::Hasher for Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }

    fn finish(&self) -> u64 {
        u64::from(self.clone().finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, one bit at a time.
    fn bitwise(buf: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in buf {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 { POLY ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }

    fn bytes(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + i / 13) as u8).collect()
    }

    #[test]
    fn known_check_values() {
        // The catalogue's check value for CRC-32/ISO-HDLC, and the empty input.
        assert_eq!(hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(hash(b""), 0);
        assert_eq!(
            hash(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn every_length_and_split_matches_the_bitwise_definition() {
        let data = bytes(300);
        for n in 0..data.len() {
            assert_eq!(hash(&data[..n]), bitwise(&data[..n]), "length {n}");
        }
        for cut in 0..=64 {
            let mut h = Hasher::new();
            h.update(&data[..cut]);
            h.update(&data[cut..]);
            assert_eq!(h.total_len(), 300);
            assert_eq!(h.finalize(), bitwise(&data), "cut at {cut}");
        }
        let mut h = Hasher::new_with_initial(hash(&data[..100]));
        h.update(&data[100..]);
        assert_eq!(h.finalize(), bitwise(&data));
    }

    #[test]
    fn combining_two_crcs_gives_the_crc_of_both_inputs() {
        let data = bytes(5_000);
        for (a, b) in [
            (0, 0),
            (0, 9),
            (9, 0),
            (1, 1),
            (13, 255),
            (700, 4_300),
            (4_999, 1),
        ] {
            let mut first = Hasher::new();
            first.update(&data[..a]);
            let mut second = Hasher::new();
            second.update(&data[a..a + b]);
            first.combine(&second);
            assert_eq!(first.total_len(), (a + b) as u64);
            assert_eq!(first.finalize(), bitwise(&data[..a + b]), "{a} + {b}");
        }
    }

    #[test]
    fn reset_starts_over() {
        let mut h = Hasher::default();
        h.update(b"abc");
        h.reset();
        h.update(b"123456789");
        assert_eq!(h.total_len(), 9);
        assert_eq!(h.finalize(), 0xCBF4_3926);
    }
}
