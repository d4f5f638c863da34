//! Every JSON shape the exports use, read from the real public samples and from variants of them
//! (portal array, SDK PascalCase, pages, JSON Lines, Event Hub, gzip, zip), plus broken input.

use std::io::Write;

use provlens::core::ingest::{read_all, DataSet, Ingest};
use provlens::core::model::{Action, Status};
use provlens::core::report::summarize;
use provlens::core::sniff::Format;

const EXAMPLE1: &[u8] =
    include_bytes!("fixtures/public/graph_v1.0_list_provisioning_example1_success.json");
const EXAMPLE2: &[u8] =
    include_bytes!("fixtures/public/graph_v1.0_list_provisioning_example2_failure.json");
const LEGACY: &[u8] =
    include_bytes!("fixtures/public/graph_beta_legacy_2019_list_provisioning_examples.json");
const ELASTIC: &[u8] =
    include_bytes!("fixtures/public/elastic_azure_provisioning_test-provisioninglogs-raw.log");

fn one(name: &str, bytes: &[u8]) -> DataSet {
    read_all([(name, bytes)])
}

/// Reads the same bytes in chunks of every size in `sizes` and checks the results agree.
fn chunked(name: &str, bytes: &[u8], sizes: &[usize]) -> DataSet {
    let whole = one(name, bytes);
    for &size in sizes {
        let mut ingest = Ingest::default();
        let mut st = ingest.begin(name, bytes.len() as u64);
        for c in bytes.chunks(size) {
            ingest.push(&mut st, c);
        }
        ingest.end(st);
        let d = ingest.finish();
        assert_eq!(
            summarize(&d),
            summarize(&whole),
            "{name} in chunks of {size}"
        );
        assert_eq!(
            d.store.events, whole.store.events,
            "{name} in chunks of {size}"
        );
    }
    whole
}

fn event_strs(d: &DataSet, i: usize) -> (String, String, String, String) {
    let e = &d.store.events[i];
    (
        d.store.str(e.id).to_string(),
        d.store.str(e.error_code).to_string(),
        d.store.str(e.source.name).to_string(),
        d.store.str(e.target_system.name).to_string(),
    )
}

#[test]
fn graph_v1_failure_example_reads_every_field() {
    let d = chunked("example2.json", EXAMPLE2, &[1, 7, 100]);
    assert_eq!(d.files[0].format, Some(Format::GraphJson));
    assert_eq!(d.events(), 1);
    assert_eq!(d.rejected, 0);
    let e = &d.store.events[0];
    assert_eq!(e.status, Status::Failure);
    assert_eq!(e.action, Action::Create);
    assert_eq!(e.duration_ms, Some(2785));
    let s = &d.store;
    assert_eq!(s.str(e.error_code), "ContosoEntryConflict");
    assert_eq!(s.str(e.error_category), "nonServiceFailure");
    assert!(s.str(e.error_reason).contains("HTTP status code 409"));
    assert_eq!(s.str(e.source.name), "Self-service Pilot");
    assert_eq!(s.str(e.source.kind), "Group");
    assert_eq!(s.str(e.source_system.name), "Azure Active Directory");
    assert_eq!(s.str(e.target_system.name), "Contoso");
    assert_eq!(s.str(e.service_principal.name), "Contoso");
    assert_eq!(s.str(e.initiated_by), "Azure AD Provisioning Service");
    assert_eq!(
        s.str(e.job_id),
        "ContosoOutDelta.7928d5b574424a97ne2d66f9j9972ecn"
    );
    assert_eq!(s.str(e.reportable_id), "Self-service Pilot");
    let steps = s.steps_of(e);
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[2].status, Status::Failure);
    assert_eq!(s.modified_of(e).len(), 6);
    assert_eq!(
        summarize(&d).time_range.first.as_deref(),
        Some("2019-06-24T20:53:08Z")
    );
}

#[test]
fn graph_v1_success_example_reads_capitalized_step_types() {
    let d = chunked("example1.json", EXAMPLE1, &[3, 64]);
    assert_eq!(d.events(), 1);
    let e = &d.store.events[0];
    assert_eq!((e.status, e.action), (Status::Success, Action::Create));
    let steps = d.store.steps_of(e);
    assert_eq!(steps.len(), 2);
    assert_eq!(
        steps.iter().map(|s| s.kind.as_str()).collect::<Vec<_>>(),
        ["import", "export"]
    );
    assert_eq!(d.store.modified_of(e).len(), 5);
}

#[test]
fn legacy_beta_reads_action_and_flattened_status_details() {
    let d = chunked("legacy.json", LEGACY, &[5]);
    // Both legacy examples share one activity id with example 1; within this file they differ.
    assert_eq!(d.events() + d.duplicates as usize, 2);
    let summary = summarize(&d);
    assert_eq!(summary.rejected, 0);
    let codes: Vec<_> = (0..d.events()).map(|i| event_strs(&d, i).1).collect();
    let actions: Vec<_> = d.store.events.iter().map(|e| e.action).collect();
    assert!(actions.contains(&Action::Update), "{actions:?}");
    assert!(
        codes.iter().any(|c| !c.is_empty()) || d.events() == 1,
        "{codes:?}"
    );
}

#[test]
fn diagnostic_json_lines_read_integer_enums_and_envelope() {
    let d = chunked("PT1H.json", ELASTIC, &[1, 13, 4096]);
    assert_eq!(d.files[0].format, Some(Format::DiagnosticJson));
    // Record 3 repeats record 2's activity id: kept once and counted.
    assert_eq!(d.events(), 2);
    assert_eq!(d.duplicates, 1);
    let s = &d.store;
    let skipped = &s.events[0];
    assert_eq!(skipped.status, Status::Skipped);
    assert_eq!(skipped.action, Action::Create);
    assert_eq!(skipped.duration_ms, Some(828));
    assert_eq!(
        s.str(skipped.source.upn),
        "ellie@mauriziobrancaoutlook.onmicrosoft.com"
    );
    assert_eq!(s.str(skipped.source.name), "Ellie");
    assert_eq!(s.str(skipped.service_principal.name), "Dropbox Business");
    assert_eq!(s.str(skipped.target_system.name), "Dropbox");
    let kinds: Vec<_> = s
        .steps_of(skipped)
        .iter()
        .map(|st| st.kind.as_str())
        .collect();
    assert_eq!(kinds, ["import", "scoping", "matching", "processing"]);
    assert_eq!(s.steps_of(skipped)[3].status, Status::Skipped);
    let created = &s.events[1];
    assert_eq!(created.status, Status::Success);
    assert_eq!(s.modified_of(created).len(), 5);
}

/// The v1.0 examples unwrapped into one bare minified array, as the portal downloads.
fn portal_json() -> Vec<u8> {
    let mut records = Vec::new();
    for page in [EXAMPLE1, EXAMPLE2] {
        let v: serde_json::Value = serde_json::from_slice(page).unwrap_or_default();
        if let Some(arr) = v["value"].as_array() {
            records.extend(arr.iter().cloned());
        }
    }
    serde_json::to_vec(&records).unwrap_or_default()
}

#[test]
fn portal_json_array_reads_like_the_pages() {
    let bytes = portal_json();
    let d = chunked("ProvisioningLogs.json", &bytes, &[2, 50]);
    assert_eq!(d.files[0].format, Some(Format::PortalJson));
    assert_eq!(d.events(), 2);
    let s = summarize(&d);
    assert_eq!((s.by_status.success, s.by_status.failure), (1, 1));
    assert_eq!(s.by_action.create, 2);
}

/// Rewrites every object key to PascalCase, as `ConvertTo-Json` of the SDK's objects does.
fn pascal(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => serde_json::Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let mut c = k.chars();
                    let key = match c.next() {
                        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                        None => String::new(),
                    };
                    (key, pascal(v))
                })
                .collect(),
        ),
        serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(pascal).collect()),
        other => other.clone(),
    }
}

#[test]
fn sdk_pascal_case_reads_like_graph() {
    let v: serde_json::Value = serde_json::from_slice(&portal_json()).unwrap_or_default();
    let bytes = serde_json::to_vec_pretty(&pascal(&v)).unwrap_or_default();
    let d = chunked("sdk.json", &bytes, &[9]);
    assert_eq!(d.files[0].format, Some(Format::SdkJson));
    let reference = one("portal.json", &portal_json());
    assert_eq!(d.store.events, reference.store.events);
}

#[test]
fn many_pages_and_arrays_of_pages_merge_into_one_data_set() {
    let d = read_all([("p1.json", EXAMPLE1), ("p2.json", EXAMPLE2)]);
    assert_eq!(d.events(), 2);
    let mut arr = b"[".to_vec();
    arr.extend_from_slice(EXAMPLE1);
    arr.push(b',');
    arr.extend_from_slice(EXAMPLE2);
    arr.push(b']');
    let d2 = chunked("pages.json", &arr, &[4, 333]);
    assert_eq!(d2.events(), 2);
    assert_eq!(summarize(&d2).by_status, summarize(&d).by_status);
}

#[test]
fn overlapping_exports_keep_each_record_once_and_remember_the_file() {
    let d = read_all([
        ("a.json", EXAMPLE2),
        ("b.json", EXAMPLE2),
        ("c.json", EXAMPLE1),
    ]);
    assert_eq!(d.events(), 2);
    assert_eq!(d.duplicates, 1);
    assert_eq!(d.files[1].duplicates, 1);
    assert_eq!(d.store.events[0].file, 0);
    assert_eq!(d.store.events[1].file, 2);
}

#[test]
fn event_hub_records_wrapper_reads() {
    let mut body = b"{\"records\":[".to_vec();
    for (i, line) in ELASTIC
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(line);
    }
    body.extend_from_slice(b"]}");
    let d = chunked("eventhub.json", &body, &[11]);
    assert_eq!(d.files[0].format, Some(Format::DiagnosticJson));
    assert_eq!(d.store.events, one("PT1H.json", ELASTIC).store.events);
}

#[test]
fn gzip_and_zip_hold_any_format() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(ELASTIC).unwrap_or_default();
    let gz = gz.finish().unwrap_or_default();
    let d = chunked("PT1H.json.gz", &gz, &[1, 100]);
    assert_eq!(d.events(), 2);
    assert_eq!(d.files[0].format, Some(Format::DiagnosticJson));

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let _ = zip.start_file("one.json", opts);
    let _ = zip.write_all(EXAMPLE1);
    let _ = zip.start_file("two.json", opts);
    let _ = zip.write_all(EXAMPLE2);
    let _ = zip.start_file("readme.txt", opts);
    let _ = zip.write_all(b"hello\nthis is no export\n");
    let bytes = zip.finish().map(|c| c.into_inner()).unwrap_or_default();
    let d = chunked("logs.zip", &bytes, &[1000]);
    assert_eq!(d.events(), 2);
    let names: Vec<_> = d.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "logs.zip",
            "logs.zip › one.json",
            "logs.zip › two.json",
            "logs.zip › readme.txt"
        ]
    );
    assert!(d.files[3]
        .refused
        .as_deref()
        .unwrap_or("")
        .contains("readme.txt"));
}

#[test]
fn a_file_that_is_not_an_export_is_refused_by_name() {
    let d = one("holiday.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let s = summarize(&d);
    assert_eq!(s.events, 0);
    let why = s.files[0].refused.clone().unwrap_or_default();
    assert!(
        why.starts_with("holiday.png is not a provisioning-log export"),
        "{why}"
    );
    assert!(why.contains("PNG image"), "{why}");
    assert!(why.contains("portal's JSON"), "{why}");
    let d = one("empty.json", b"");
    assert!(summarize(&d).files[0]
        .refused
        .clone()
        .unwrap_or_default()
        .contains("empty"));
}

#[test]
fn a_truncated_download_keeps_the_complete_records_and_says_where_it_ends() {
    let bytes = portal_json();
    let cut = &bytes[..bytes.len() - 200];
    let d = chunked("cut.json", cut, &[17]);
    assert_eq!(d.events(), 1);
    assert_eq!(d.rejected, 1);
    let issue = &d.issues[0];
    assert_eq!(issue.position.record, Some(2));
    assert!(issue.message.contains("truncated"), "{}", issue.message);
}

#[test]
fn a_record_with_wrong_types_is_rejected_with_its_position_and_the_rest_read() {
    let text = concat!(
        "{\"id\":\"a\",\"changeId\":\"c1\",\"activityDateTime\":\"2022-01-01T00:00:00Z\",\"provisioningAction\":\"create\",\"provisioningStatusInfo\":{\"status\":\"success\"}}\n",
        "{\"id\":\"b\",\"changeId\":\"c2\",\"provisioningSteps\":{\"oops\":1}}\n",
        "this line is garbage\n",
        "{\"id\":\"c\",\"changeId\":\"c3\",\"activityDateTime\":\"2022-01-01T00:00:01Z\",\"provisioningAction\":\"weird\",\"provisioningStatusInfo\":{\"status\":\"partial\"}}\n",
    );
    let d = chunked("PT1H.json", text.as_bytes(), &[1, 5]);
    assert_eq!(d.events(), 2);
    assert_eq!(d.rejected, 2);
    assert_eq!(d.issues[0].position.line, Some(2));
    assert_eq!(d.issues[0].position.record, Some(2));
    assert!(
        d.issues[0].message.contains("provisioning step"),
        "{}",
        d.issues[0].message
    );
    assert_eq!(d.issues[1].position.line, Some(3));
    // Unknown enum values are kept and counted as unknown, never dropped.
    let s = summarize(&d);
    assert_eq!(s.by_action.unknown, 1);
    assert_eq!(s.by_status.unknown, 1);
    assert_eq!(d.store.str(d.store.events[1].raw_action), "weird");
}

#[test]
fn utf16_text_is_decoded() {
    let text = String::from_utf8_lossy(EXAMPLE2).into_owned();
    let mut bytes = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let d = chunked("excel.json", &bytes, &[3, 1001]);
    assert_eq!(d.events(), 1);
    assert_eq!(d.store.events, one("x.json", EXAMPLE2).store.events);
}
