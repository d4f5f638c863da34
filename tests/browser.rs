//! Browser tests: reading real `File` objects in chunks through the worker's reading path.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on an unexpected error"
)]

use std::cell::Cell;

use provlens::core::ingest::{read_all, Limits};
use provlens::core::report::summarize;
use provlens::worker::read::{hash_sources, load, ReadOptions, Source};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FAILURE: &[u8] =
    include_bytes!("fixtures/public/graph_v1.0_list_provisioning_example2_failure.json");
const ELASTIC: &[u8] =
    include_bytes!("fixtures/public/elastic_azure_provisioning_test-provisioninglogs-raw.log");

fn file(name: &str, bytes: &[u8]) -> web_sys::File {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::File::new_with_u8_array_sequence(&parts, name).unwrap()
}

#[wasm_bindgen_test]
async fn files_read_in_small_chunks_give_the_totals_of_whole_bytes() {
    let sources = vec![
        Source::File(file("failure.json", FAILURE)),
        Source::File(file("elastic.log", ELASTIC)),
    ];
    let mut reports = Vec::new();
    let cancel = Cell::new(false);
    // 97-byte chunks cut records, strings and UTF-8 sequences at arbitrary places.
    let data = load(
        &sources,
        ReadOptions {
            chunk_bytes: 97,
            ..ReadOptions::default()
        },
        &cancel,
        |p| reports.push(p),
    )
    .await
    .unwrap()
    .unwrap();
    let expected = read_all([("failure.json", FAILURE), ("elastic.log", ELASTIC)]);
    // The worker leaves hashing for the audit report; then each file's hash is the one a
    // whole-bytes read gives.
    assert!(data.files.iter().all(|f| f.sha256.is_empty()));
    let pending: Vec<(Source, usize)> = sources.iter().cloned().zip(0..).collect();
    let mut data = data;
    for (file, sha256) in hash_sources(&pending).await.unwrap() {
        data.files[file].sha256 = sha256;
    }
    assert_eq!(summarize(&data), summarize(&expected));
    assert!(summarize(&data).events > 0);

    // Every file is announced at 0 bytes, then reported after each chunk up to its size.
    assert_eq!(reports[0].bytes_read, 0);
    assert_eq!(reports[1].bytes_read, 0);
    let last = reports.iter().rfind(|p| p.index == 1).unwrap();
    assert_eq!(last.bytes_read, ELASTIC.len() as u64);
    assert_eq!(last.size_bytes, ELASTIC.len() as u64);
    let chunks = reports.iter().filter(|p| p.index == 0).count() - 1;
    assert_eq!(chunks, FAILURE.len().div_ceil(97));
}

#[wasm_bindgen_test]
async fn a_cancelled_load_returns_nothing() {
    let sources = vec![Source::File(file("failure.json", FAILURE))];
    let cancel = Cell::new(false);
    let outcome = load(
        &sources,
        ReadOptions {
            chunk_bytes: 64,
            ..ReadOptions::default()
        },
        &cancel,
        |p| {
            if p.bytes_read > 0 {
                cancel.set(true);
            }
        },
    )
    .await
    .unwrap();
    assert!(outcome.is_none());
}

#[wasm_bindgen_test]
async fn demo_data_reads_through_the_same_path() {
    let sources: Vec<Source> = provlens::worker::demo::demo_sources();
    let cancel = Cell::new(false);
    let data = load(&sources, ReadOptions::default(), &cancel, |_| {})
        .await
        .unwrap()
        .unwrap();
    let summary = summarize(&data);
    assert!(summary.events > 0);
    assert_eq!(summary.files.len(), 2);
    assert!(summary.events > 2_500, "{}", summary.events);
    assert!(summary.files.iter().all(|f| f.refused.is_none()));
}

#[wasm_bindgen_test]
async fn a_load_estimated_above_the_memory_limit_is_refused_before_reading() {
    let sources = vec![Source::File(file("failure.json", FAILURE))];
    let cancel = Cell::new(false);
    let mut reports = 0;
    let options = ReadOptions {
        limits: Limits {
            max_estimated_memory_bytes: 1 << 20,
            ..Limits::browser()
        },
        ..ReadOptions::default()
    };
    let outcome = load(&sources, options, &cancel, |_| reports += 1).await;
    let message = outcome.err().unwrap();
    assert!(message.contains("command-line tool"), "{message}");
    assert_eq!(reports, 0, "nothing was read");
}

#[wasm_bindgen_test]
fn worker_messages_and_file_handles_survive_the_binary_codec() {
    use gloo::worker::Codec;
    use provlens::worker::codec::Binary;
    use provlens::worker::protocol::{FileRef, LoadMode, Request, Response};

    let request = Request::Load {
        files: vec![FileRef(file("a.json", b"[]")), FileRef(file("b.csv", b"x"))],
        mode: LoadMode::Add,
    };
    let back: Request = Binary::decode(Binary::encode(&request));
    match back {
        Request::Load { files, mode } => {
            assert_eq!(mode, LoadMode::Add);
            let names: Vec<String> = files.iter().map(|f| f.0.name()).collect();
            assert_eq!(names, ["a.json", "b.csv"]);
        }
        other => panic!("decoded {other:?}"),
    }
    let summary = summarize(&read_all([("failure.json", FAILURE)]));
    let response = Response::Loaded(Box::new(summary.clone()));
    let back: Response = Binary::decode(Binary::encode(&response));
    assert_eq!(back, Response::Loaded(Box::new(summary)));
}
