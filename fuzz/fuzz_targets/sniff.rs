//! Sniffing any head, complete or not, under file names that hint at each format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provlens::core::sniff::sniff;

const NAMES: [&str; 5] = [
    "x.json",
    "ProvisioningLogs.csv",
    "ProvisioningLogs_ModifiedProperties.csv",
    "ProvisioningLogs_ProvisioningSteps.csv",
    "",
];

fuzz_target!(|data: &[u8]| {
    let name = NAMES[data.first().map_or(0, |b| *b as usize) % NAMES.len()];
    let _ = sniff(name, data, true);
    let _ = sniff(name, data, false);
});
