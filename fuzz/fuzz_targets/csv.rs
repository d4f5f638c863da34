//! The CSV reader in each CSV format, fed in chunks chosen by the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provlens::core::ingest::Builder;
use provlens::core::parse::csv::CsvParser;
use provlens::core::sniff::Format;

const FORMATS: [Format; 4] = [
    Format::PortalCsvEvents,
    Format::PortalCsvSteps,
    Format::PortalCsvModified,
    Format::LogAnalyticsCsv,
];

fuzz_target!(|input: &[u8]| {
    // The format and chunk size come from a hash of the input, so seeds are plain CSV files.
    let data = input;
    let seed = mix(data);
    let format = FORMATS[(seed & 3) as usize];
    let step = ((seed >> 2) % 257) as usize + 1;
    let mut builder = Builder::default();
    let mut parser = CsvParser::new(format);
    for chunk in data.chunks(step) {
        parser.push(chunk, &mut builder, 0);
    }
    parser.finish(&mut builder, 0);
});

/// A cheap hash of the input that picks chunk sizes and options.
fn mix(data: &[u8]) -> u32 {
    data.iter().fold(2_166_136_261u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    })
}
