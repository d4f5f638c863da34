//! The memory estimate that guards the browser: calibrated against the store that generated
//! exports really build, and the refusal it gives above the limit.

use provlens::core::gen::{generate, write_format, GenConfig, GenFormat, Wrap, WriteOptions};
use provlens::core::ingest::{check_memory, estimate_memory, read_all, Limits};
use provlens::core::sniff::Format;

/// Store bytes per input byte for one generated format (all of its files together).
fn measured_ratio(format: GenFormat, wrap: Wrap) -> (f64, u64, u64) {
    let generated = generate(&GenConfig {
        events: 1_500,
        ..GenConfig::default()
    });
    let options = WriteOptions {
        wrap,
        ..WriteOptions::default()
    };
    let files = write_format(format, &generated.events, &options);
    let input: u64 = files.iter().map(|(_, b)| b.len() as u64).sum();
    let data = read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    assert!(
        data.events() > 1_000,
        "{format:?}: {} events",
        data.events()
    );
    let store = data.store.approx_bytes() as u64;
    (store as f64 / input as f64, store, input)
}

#[test]
fn memory_estimate_covers_the_store() {
    let cases = [
        (GenFormat::PortalJson, Wrap::None, Format::PortalJson),
        (GenFormat::Graph, Wrap::None, Format::GraphJson),
        (GenFormat::Sdk, Wrap::None, Format::SdkJson),
        (GenFormat::Diagnostic, Wrap::None, Format::DiagnosticJson),
        (GenFormat::LaJson, Wrap::None, Format::LogAnalyticsJson),
        (GenFormat::LaCsv, Wrap::None, Format::LogAnalyticsCsv),
        (GenFormat::PortalCsv, Wrap::None, Format::PortalCsvEvents),
        (GenFormat::PortalJson, Wrap::Gzip, Format::Gzip),
        (GenFormat::PortalCsv, Wrap::Zip, Format::Zip),
    ];
    for (gen, wrap, format) in cases {
        let (ratio, store, input) = measured_ratio(gen, wrap);
        println!("{gen:?} {wrap:?}: {input} input bytes, {store} store bytes, ratio {ratio:.3}");
        // The estimate (less its fixed base) must cover the finished store at least once over.
        let estimate = estimate_memory(input, &[format]) - estimate_memory(0, &[format]);
        assert!(
            estimate >= store,
            "{gen:?} {wrap:?}: estimate {estimate} below the store's {store} bytes"
        );
    }
}

#[test]
fn the_browser_refuses_what_it_cannot_hold_and_says_what_to_do() {
    let browser = Limits::browser();
    let small = [("ProvisioningLogs.json".to_string(), 200 << 20)];
    assert!(
        check_memory(&small, &browser).is_ok(),
        "200 MB of JSON loads"
    );
    let big = [
        ("ProvisioningLogs.json".to_string(), 900 << 20),
        ("more.json".to_string(), 600 << 20),
    ];
    let Err(message) = check_memory(&big, &browser) else {
        panic!("1.5 GB of JSON must be refused in the browser");
    };
    assert!(message.contains("1500 MB"), "{message}");
    assert!(message.contains("command-line tool"), "{message}");
    assert!(message.contains("filtered"), "{message}");
    let gz = [("ProvisioningLogs.json.gz".to_string(), 200 << 20)];
    assert!(
        check_memory(&gz, &browser).is_err(),
        "200 MB of gzip expands past what a tab holds"
    );
    // The command line checks nothing.
    assert!(check_memory(&big, &Limits::default()).is_ok());
    // Several formats: the most demanding one counts.
    assert!(
        estimate_memory(1 << 30, &[Format::PortalJson, Format::PortalCsvSteps])
            > estimate_memory(1 << 30, &[Format::PortalJson])
    );
    assert!(estimate_memory(u64::MAX, &[Format::Zip]) >= u64::MAX / 2);
}
