//! gzip streams and zip archives (damaged, truncated, bombs) through the ingest path, with small
//! limits so that expansion is bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provlens::core::ingest::{Ingest, Limits};
use provlens::core::report::summarize;

fuzz_target!(|input: &[u8]| {
    let data = input;
    let seed = mix(data);
    // Inputs without a container's magic bytes get one, so the fuzzer spends its time inside
    // the decompressors rather than in sniffing.
    let mut bytes = Vec::with_capacity(data.len() + 4);
    if !(data.starts_with(&[0x1f, 0x8b]) || data.starts_with(b"PK")) {
        if seed & 1 == 0 {
            bytes.extend_from_slice(&[0x1f, 0x8b]);
        } else {
            bytes.extend_from_slice(b"PK\x03\x04");
        }
    }
    bytes.extend_from_slice(data);
    let limits = Limits {
        max_decompressed_bytes: 1 << 20,
        max_zip_bytes: 1 << 20,
        ..Limits::default()
    };
    let mut ingest = Ingest::new(limits);
    let step = ((seed >> 1) % 4099) as usize + 1;
    let mut st = ingest.begin("fuzz.gz", bytes.len() as u64);
    for chunk in bytes.chunks(step) {
        ingest.push(&mut st, chunk);
    }
    ingest.end(st);
    let _ = summarize(&ingest.finish());
});

/// A cheap hash of the input that picks chunk sizes and options.
fn mix(data: &[u8]) -> u32 {
    data.iter().fold(2_166_136_261u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    })
}
