//! The whole path: bytes → sniff → decompress → parse → store → summary, with the input split
//! into one or two files and into chunks whose size comes from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provlens::core::analyze::overview::overview;
use provlens::core::ingest::{Ingest, Limits};
use provlens::core::report::summarize;

const NAMES: [&str; 4] = [
    "export.json",
    "ProvisioningLogs.csv",
    "ProvisioningLogs_ProvisioningSteps.csv",
    "ProvisioningLogs_ModifiedProperties.csv",
];

fuzz_target!(|input: &[u8]| {
    // File names, chunk size and the split into files come from a hash of the input, so seeds
    // are plain export files.
    let data = input;
    let seed = mix(data);
    let limits = Limits {
        max_decompressed_bytes: 4 << 20,
        max_zip_bytes: 4 << 20,
        ..Limits::default()
    };
    let mut ingest = Ingest::new(limits);
    let step = ((seed >> 3) % 4099) as usize + 1;
    // A 0xff byte splits the input into two files, so that joins and de-duplication across
    // files are exercised too.
    let files: Vec<&[u8]> = if seed & 1 == 1 {
        data.splitn(2, |&b| b == 0xff).collect()
    } else {
        vec![data]
    };
    for (k, file) in files.iter().enumerate() {
        let name = NAMES[((seed >> 1) as usize + k) % NAMES.len()];
        let mut st = ingest.begin(name, file.len() as u64);
        for chunk in file.chunks(step) {
            ingest.push(&mut st, chunk);
        }
        ingest.end(st);
    }
    let data = ingest.finish();
    let _ = summarize(&data);
    let _ = overview(&data.store, None);
});

/// A cheap hash of the input that picks chunk sizes and options.
fn mix(data: &[u8]) -> u32 {
    data.iter().fold(2_166_136_261u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    })
}
