//! Property tests: the parsers never panic on any bytes in any chunking, the accumulators give
//! the same answer however the events are split and merged, and what provlens writes (JSON and
//! CSV exports, URL fragments) reads back to the same thing. CSV exports never start a cell
//! with a formula character.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::OnceLock;

use proptest::prelude::*;

use provlens::core::analyze::columns::Columns;
use provlens::core::analyze::dims::Scenario;
use provlens::core::analyze::overview::Overview;
use provlens::core::analyze::query::Filter;
use provlens::core::analyze::totals::{totals, Totals};
use provlens::core::gen::{generate, write_format, GenConfig, GenFormat, WriteOptions};
use provlens::core::ingest::{read_all, Builder, DataSet, Ingest, Limits};
use provlens::core::model::{Action, EventDraft, IdentityDraft, Status, Store};
use provlens::core::parse::csv::CsvParser;
use provlens::core::parse::frame::{Frame, Framer};
use provlens::core::parse::record::decode_item;
use provlens::core::report::summarize;
use provlens::core::sniff::{sniff, Format};
use provlens::core::url::{from_fragment, to_fragment, Location};
use provlens::core::view::{export_csv, export_json};

/// A small generated tenant, read once: a realistic store to split, merge and export.
fn tenant() -> &'static DataSet {
    static DATA: OnceLock<DataSet> = OnceLock::new();
    DATA.get_or_init(|| {
        let generated = generate(&GenConfig {
            events: 400,
            days: 3,
            ..GenConfig::default()
        });
        let files = write_format(
            GenFormat::PortalJson,
            &generated.events,
            &WriteOptions::default(),
        );
        read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
    })
}

/// A valid export to mutate, so that random edits land inside real records.
fn portal_sample() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let generated = generate(&GenConfig {
            events: 5,
            days: 1,
            ..GenConfig::default()
        });
        let files = write_format(
            GenFormat::PortalJson,
            &generated.events,
            &WriteOptions::default(),
        );
        let mut bytes = files.into_iter().next().map(|(_, b)| b).unwrap_or_default();
        bytes.truncate(8 << 10);
        bytes
    })
}

/// Arbitrary bytes, or a valid export with random bytes overwritten, inserted and cut.
fn input_bytes() -> impl Strategy<Value = Vec<u8>> {
    let edited = (
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 0..12),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(edits, cut)| {
            let mut b = portal_sample().to_vec();
            for (at, byte, kind) in edits {
                let i = at.index(b.len().max(1)).min(b.len());
                match kind {
                    0 if i < b.len() => b[i] = byte,
                    1 => b.insert(i, byte),
                    _ if i < b.len() => {
                        b.remove(i);
                    }
                    _ => {}
                }
            }
            let keep = cut.index(b.len() + 1);
            if keep > b.len() / 2 {
                b.truncate(keep);
            }
            b
        });
    prop_oneof![prop::collection::vec(any::<u8>(), 0..512), edited]
}

/// Splits `bytes` at the given cut points (each taken modulo the length).
fn split<'a>(bytes: &'a [u8], cuts: &[prop::sample::Index]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for p in points {
        out.push(&bytes[start..p]);
        start = p;
    }
    out.push(&bytes[start..]);
    out
}

fn framed(chunks: &[&[u8]]) -> (Vec<Vec<u8>>, bool) {
    let mut framer = Framer::default();
    let mut items = Vec::new();
    let mut emit = |f: Frame<'_>| {
        if let Frame::Item { bytes, .. } = f {
            items.push(bytes.to_vec());
        }
    };
    for c in chunks {
        framer.push(c, &mut emit);
    }
    let truncated = framer.finish(&mut emit).is_some();
    (items, truncated)
}

fn ingest_chunks(name: &str, chunks: &[&[u8]]) -> DataSet {
    let mut ingest = Ingest::new(Limits {
        max_decompressed_bytes: 1 << 20,
        max_zip_bytes: 1 << 20,
        ..Limits::default()
    });
    let size = chunks.iter().map(|c| c.len() as u64).sum();
    let mut st = ingest.begin(name, size);
    for c in chunks {
        ingest.push(&mut st, c);
    }
    ingest.end(st);
    ingest.finish()
}

const CSV_FORMATS: [Format; 4] = [
    Format::PortalCsvEvents,
    Format::PortalCsvSteps,
    Format::PortalCsvModified,
    Format::LogAnalyticsCsv,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sniffing_never_panics(bytes in input_bytes(), complete in any::<bool>()) {
        let _ = sniff("x.json", &bytes, complete);
        let _ = sniff("ProvisioningLogs_ProvisioningSteps.csv", &bytes, complete);
    }

    #[test]
    fn the_framer_gives_the_same_items_in_any_chunking(
        bytes in input_bytes(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..16),
    ) {
        let whole = framed(&[&bytes]);
        let chunked = framed(&split(&bytes, &cuts));
        prop_assert_eq!(whole, chunked);
    }

    #[test]
    fn the_record_decoder_never_panics(bytes in input_bytes()) {
        let _ = decode_item(&bytes);
    }

    #[test]
    fn the_csv_reader_never_panics(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..512),
            "[a-z\",\r\n= ]{0,40}(\n[a-z0-9\",\r\n=@ -]{0,60}){0,6}".prop_map(String::into_bytes),
        ],
        format in 0usize..4,
        header in any::<bool>(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let mut input = Vec::new();
        if header {
            input.extend_from_slice(b"Date (UTC),Change ID,Cycle ID,Job ID,Action,Status,Name,Old Value,New Value,TimeGenerated,ResultType,ProvisioningAction\n");
        }
        input.extend_from_slice(&bytes);
        let mut builder = Builder::default();
        let mut parser = CsvParser::new(CSV_FORMATS[format]);
        for c in split(&input, &cuts) {
            parser.push(c, &mut builder, 0);
        }
        parser.finish(&mut builder, 0);
    }

    #[test]
    fn ingest_never_panics_and_chunking_changes_nothing(
        bytes in input_bytes(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        name in prop::sample::select(vec!["x.json", "ProvisioningLogs.csv", "x.json.gz", "x.zip"]),
    ) {
        let whole = summarize(&ingest_chunks(name, &[&bytes]));
        let chunked = summarize(&ingest_chunks(name, &split(&bytes, &cuts)));
        prop_assert_eq!(whole.events, chunked.events);
        prop_assert_eq!(whole.rejected, chunked.rejected);
        prop_assert_eq!(whole.by_status, chunked.by_status);
    }
}

/// The events of `store` split at `cuts` into consecutive parts.
fn parts(n: usize, cuts: &[prop::sample::Index]) -> Vec<std::ops::Range<usize>> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c.index(n + 1)).collect();
    points.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for p in points {
        out.push(start..p);
        start = p;
    }
    out.push(start..n);
    out
}

fn overview_of(store: &Store, cols: &Columns, range: std::ops::Range<usize>) -> Overview {
    let mut o = Overview::default();
    for i in range {
        o.add(store, cols, i as u32);
    }
    o
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn overview_merge_is_chunking_invariant_and_associative(
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 2..6),
    ) {
        let store = &tenant().store;
        let cols = &Columns::new(store);
        let n = store.events.len();
        let one = overview_of(store, cols, 0..n).finish(store, cols);
        let pieces: Vec<Overview> =
            parts(n, &cuts).into_iter().map(|r| overview_of(store, cols, r)).collect();
        // Left to right: ((a + b) + c) + …
        let mut left = Overview::default();
        for p in &pieces {
            left.merge(p);
        }
        prop_assert_eq!(&left.finish(store, cols), &one);
        // Right to left: a + (b + (c + …))
        let mut right = Overview::default();
        for p in pieces.iter().rev() {
            let mut acc = p.clone();
            acc.merge(&right);
            right = acc;
        }
        prop_assert_eq!(&right.finish(store, cols), &one);
    }

    #[test]
    fn totals_merge_is_chunking_invariant_and_associative(
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 2..6),
    ) {
        let store = &tenant().store;
        let n = store.events.len();
        let one = totals(&store.events);
        let pieces: Vec<Totals> = parts(n, &cuts)
            .into_iter()
            .map(|r| totals(store.events.get(r).unwrap_or(&[])))
            .collect();
        let mut left = Totals::default();
        for p in &pieces {
            left.merge(p);
        }
        prop_assert_eq!(&left, &one);
        let mut right = Totals::default();
        for p in pieces.iter().rev() {
            let mut acc = p.clone();
            acc.merge(&right);
            right = acc;
        }
        prop_assert_eq!(&right, &one);
    }

    #[test]
    fn exports_read_back_with_the_same_totals(
        picks in prop::collection::vec(any::<prop::sample::Index>(), 1..60),
    ) {
        let store = &tenant().store;
        let mut indices: Vec<u32> = picks.iter().map(|p| p.index(store.events.len()) as u32).collect();
        indices.sort_unstable();
        indices.dedup();
        let want = totals(indices.iter().filter_map(|&i| store.events.get(i as usize)));

        let mut json = Vec::new();
        prop_assert!(export_json(store, &indices, &mut json).is_ok());
        let back = read_all([("export.json", json.as_slice())]);
        prop_assert_eq!(back.rejected, 0, "{:?}", back.issues);
        prop_assert_eq!(&totals(&back.store.events), &want);

        let mut csv = Vec::new();
        prop_assert!(export_csv(store, &indices, &mut csv).is_ok());
        let back = read_all([("export.csv", csv.as_slice())]);
        prop_assert_eq!(back.rejected, 0, "{:?}", back.issues);
        let got = totals(&back.store.events);
        prop_assert_eq!(got.events, want.events);
        prop_assert_eq!(got.finish().by_status, want.finish().by_status);
        prop_assert_eq!(got.finish().by_action, want.finish().by_action);
        prop_assert_eq!(got.finish().time_range, want.finish().time_range);
    }
}

/// Text with the characters that matter to CSV and spreadsheets.
fn cell_text() -> impl Strategy<Value = String> {
    "[=+\\-@\t\r\n\",'a-z0-9 ]{0,12}"
}

/// Parses CSV text (RFC 4180) into rows of cells.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_exported_csv_cell_starts_a_formula(
        texts in prop::collection::vec(cell_text(), 8),
    ) {
        let mut store = Store::default();
        let draft = EventDraft {
            id: texts[0].as_str().into(),
            change_id: texts[1].as_str().into(),
            job_id: texts[2].as_str().into(),
            cycle_id: texts[3].as_str().into(),
            error_code: texts[4].as_str().into(),
            error_reason: texts[5].as_str().into(),
            status: "failure".into(),
            action: "create".into(),
            source: IdentityDraft {
                name: texts[6].as_str().into(),
                upn: texts[7].as_str().into(),
                ..IdentityDraft::default()
            },
            ..EventDraft::default()
        };
        store.push(&draft, 0);
        let mut out = Vec::new();
        prop_assert!(export_csv(&store, &[0], &mut out).is_ok());
        let text = String::from_utf8_lossy(&out);
        let rows = parse_csv(&text);
        prop_assert_eq!(rows.len(), 2, "{}", text);
        for cell in rows.iter().flatten() {
            prop_assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "cell {:?} in {}", cell, text
            );
        }
        // Neutralizing adds one quote and changes nothing else.
        let identity = &rows[1][1];
        let name = &texts[6];
        if !name.is_empty() {
            prop_assert!(identity == name || *identity == format!("'{name}"), "{:?} from {:?}", identity, name);
        }
    }

    #[test]
    fn any_url_fragment_reads_without_panicking(fragment in "[#a-z=&,%0-9A-F\u{80}-\u{10ffff}]{0,40}") {
        let loc = from_fragment(&fragment);
        // What was read writes back to a fragment that reads the same.
        prop_assert_eq!(from_fragment(&to_fragment(&loc)), loc);
    }

    #[test]
    fn url_fragments_round_trip(
        view in "[a-z]{0,10}",
        statuses in prop::collection::vec(prop::sample::select(Status::ALL.to_vec()), 0..3),
        actions in prop::collection::vec(prop::sample::select(Action::ALL.to_vec()), 0..3),
        scenarios in prop::collection::vec(prop::sample::select(Scenario::ALL.to_vec()), 0..3),
        jobs in prop::collection::vec("[^\u{0}]{1,12}", 0..3),
        errors in prop::collection::vec("[a-zA-Z0-9 ,&=%#]{1,12}", 0..3),
        from_ms in prop::option::of(any::<i64>()),
        to_ms in prop::option::of(any::<i64>()),
        text in "[^\u{0}]{0,20}",
        identity in prop::option::of("[^\u{0}]{1,20}"),
        extra in prop::collection::vec(("x[a-z]{1,6}", "[^\u{0}]{0,10}"), 0..3),
    ) {
        let loc = Location {
            view,
            filter: Filter {
                statuses,
                actions,
                jobs,
                error_codes: errors,
                scenarios,
                from_ms,
                to_ms,
                text,
                ..Filter::default()
            },
            identity,
            extra,
        };
        let fragment = to_fragment(&loc);
        prop_assert_eq!(from_fragment(&fragment), loc.clone(), "{}", fragment);
        prop_assert_eq!(from_fragment(&format!("#{fragment}")), loc);
    }
}
