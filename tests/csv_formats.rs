//! The CSV exports end to end: fixture files through ingest, compared with the JSON samples.

use provlens::core::ingest::{read_all, DataSet, Ingest};
use provlens::core::report::summarize;
use provlens::core::sniff::Format;

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// Reads files in order, each fed in chunks of `chunk` bytes.
fn load(files: &[(&str, &[u8])], chunk: usize) -> DataSet {
    let mut ingest = Ingest::default();
    for (name, bytes) in files {
        let mut state = ingest.begin(name, bytes.len() as u64);
        for c in bytes.chunks(chunk.max(1)) {
            ingest.push(&mut state, c);
        }
        ingest.end(state);
    }
    ingest.finish()
}

/// What an analysis sees of one event, with text resolved.
#[derive(Debug, PartialEq)]
struct Seen {
    change_id: String,
    id: String,
    time_ms: Option<i64>,
    status: &'static str,
    action: &'static str,
    cycle_id: String,
    job_id: String,
    tenant_id: String,
    duration_ms: Option<u32>,
    error_code: String,
    source: [String; 4],
    target: [String; 3],
    systems: [String; 4],
    service_principal: [String; 2],
    initiated_by: String,
    reportable_id: String,
    /// Name, type, status and details count of each step.
    steps: Vec<(String, &'static str, &'static str, usize)>,
    modified: Vec<(String, String, String)>,
}

/// Every event, sorted by change ID.
fn seen(data: &DataSet) -> Vec<Seen> {
    let s = &data.store;
    let t = |sym| s.str(sym).to_string();
    let mut out: Vec<Seen> = s
        .events
        .iter()
        .map(|e| Seen {
            change_id: t(e.change_id),
            id: t(e.id),
            time_ms: e.time_ms,
            status: e.status.as_str(),
            action: e.action.as_str(),
            cycle_id: t(e.cycle_id),
            job_id: t(e.job_id),
            tenant_id: t(e.tenant_id),
            duration_ms: e.duration_ms,
            error_code: t(e.error_code),
            source: [
                t(e.source.id),
                t(e.source.name),
                t(e.source.kind),
                t(e.source.upn),
            ],
            target: [t(e.target.id), t(e.target.name), t(e.target.kind)],
            systems: [
                t(e.source_system.id),
                t(e.source_system.name),
                t(e.target_system.id),
                t(e.target_system.name),
            ],
            service_principal: [t(e.service_principal.id), t(e.service_principal.name)],
            initiated_by: t(e.initiated_by),
            reportable_id: t(e.reportable_id),
            steps: s
                .steps_of(e)
                .iter()
                .map(|st| {
                    (
                        t(st.name),
                        st.kind.as_str(),
                        st.status.as_str(),
                        s.details_of(st).len(),
                    )
                })
                .collect(),
            modified: s
                .modified_of(e)
                .iter()
                .map(|m| (t(m.name), t(m.old), t(m.new)))
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| a.change_id.cmp(&b.change_id));
    out
}

const CHUNKS: [usize; 4] = [1, 3, 64, usize::MAX];

#[test]
fn log_analytics_rows_decode_like_the_json_records_they_came_from() {
    let raw = fixture("public/elastic_azure_provisioning_test-provisioninglogs-raw.log");
    let text = String::from_utf8_lossy(&raw);
    let first_two: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    let json = read_all([("PT1H.json", first_two.as_bytes())]);
    assert_eq!(json.store.events.len(), 2);

    let csv = fixture("log_analytics/AADProvisioningLogs.csv");
    for chunk in CHUNKS {
        let data = load(&[("AADProvisioningLogs.csv", &csv)], chunk);
        let summary = summarize(&data);
        assert_eq!(summary.files[0].format, Some(Format::LogAnalyticsCsv));
        assert_eq!((summary.events, summary.rejected), (2, 0), "{summary:?}");
        assert!(summary.issues.is_empty(), "{:?}", summary.issues);
        assert_eq!(seen(&data), seen(&json), "chunks of {chunk} bytes");
    }
    let rows = seen(&read_all([("AADProvisioningLogs.csv", &csv[..])]));
    let counts: Vec<_> = rows
        .iter()
        .map(|r| (r.status, r.action, r.steps.len(), r.modified.len()))
        .collect();
    assert_eq!(
        counts,
        [("skipped", "create", 4, 0), ("success", "create", 4, 5)]
    );
}

fn portal_files() -> [(&'static str, Vec<u8>); 3] {
    [
        "ProvisioningLogs.csv",
        "ProvisioningLogs_ProvisioningSteps.csv",
        "ProvisioningLogs_ModifiedProperties.csv",
    ]
    .map(|name| (name, fixture(&format!("portal_csv/{name}"))))
}

#[test]
fn portal_files_join_in_any_order_and_any_chunking() {
    let files = portal_files();
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let reference = load(
        &files.each_ref().map(|(n, b)| (*n, b.as_slice())),
        usize::MAX,
    );
    let expected = seen(&reference);
    let digest: Vec<_> = expected
        .iter()
        .map(|r| {
            (
                r.status,
                r.source[1].as_str(),
                r.steps.len(),
                r.modified.len(),
                r.error_code.as_str(),
                r.reportable_id.as_str(),
            )
        })
        .collect();
    assert_eq!(
        digest,
        [
            (
                "skipped",
                "Ellie",
                4,
                0,
                "",
                "ellie@mauriziobrancaoutlook.onmicrosoft.com"
            ),
            (
                "success",
                "Joel Miller",
                4,
                5,
                "",
                "joel.miller@mauriziobrancaoutlook.onmicrosoft.com"
            ),
            (
                "failure",
                "Self-service Pilot",
                3,
                6,
                "ContosoEntryConflict",
                "Self-service Pilot"
            ),
        ]
    );
    let joel = &expected[1];
    assert_eq!(
        joel.steps.iter().map(|s| s.1).collect::<Vec<_>>(),
        ["import", "scoping", "matching", "export"]
    );
    assert_eq!(joel.steps[0].3, 9, "details decoded from the JSON cell");
    assert_eq!(
        joel.modified[1],
        (
            "userName".to_string(),
            String::new(),
            "joel.miller@mauriziobrancaoutlook.onmicrosoft.com".to_string()
        )
    );
    for order in orders {
        for chunk in CHUNKS {
            let picked = order.map(|i| (files[i].0, files[i].1.as_slice()));
            let data = load(&picked, chunk);
            assert_eq!(seen(&data), expected, "order {order:?}, chunks of {chunk}");
            let summary = summarize(&data);
            assert_eq!((summary.events, summary.rejected), (3, 0));
            let orphans: Vec<_> = data
                .files
                .iter()
                .map(|f| (f.name.as_str(), f.orphan_rows))
                .collect();
            for (name, n) in orphans {
                let want = u64::from(name != "ProvisioningLogs.csv");
                assert_eq!(n, want, "{name}, order {order:?}");
            }
            assert_eq!(summary.issues.len(), 2, "{:?}", summary.issues);
            assert!(summary.issues.iter().all(|i| i
                .message
                .starts_with("1 rows name a change ID that is in no loaded")));
        }
    }
}

#[test]
fn portal_files_load_as_any_subset() {
    let [events, steps, modified] = portal_files();
    let only_events = read_all([(events.0, events.1.as_slice())]);
    let rows = seen(&only_events);
    assert_eq!(rows.len(), 3);
    assert!(rows
        .iter()
        .all(|r| r.steps.is_empty() && r.modified.is_empty()));
    assert!(only_events.issues.is_empty(), "{:?}", only_events.issues);

    let with_modified = read_all([
        (modified.0, modified.1.as_slice()),
        (events.0, events.1.as_slice()),
    ]);
    let counts: Vec<_> = seen(&with_modified)
        .iter()
        .map(|r| (r.steps.len(), r.modified.len()))
        .collect();
    assert_eq!(counts, [(0, 0), (0, 5), (0, 6)]);

    let children_only = read_all([
        (steps.0, steps.1.as_slice()),
        (modified.0, modified.1.as_slice()),
    ]);
    let summary = summarize(&children_only);
    assert_eq!(summary.events, 0);
    let orphans: Vec<u64> = children_only.files.iter().map(|f| f.orphan_rows).collect();
    assert_eq!(orphans, [12, 12]);
    assert!(summary.issues[0]
        .message
        .starts_with("12 rows name a change ID that is in no loaded events file"));
}

#[test]
fn line_endings_and_byte_order_mark_do_not_change_what_is_read() {
    let [events, steps, _] = portal_files();
    let strip = |b: &[u8]| -> Vec<u8> {
        let text = String::from_utf8_lossy(b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b));
        text.replace("\r\n", "\n").into_bytes()
    };
    let crlf = read_all([
        (events.0, events.1.as_slice()),
        (steps.0, steps.1.as_slice()),
    ]);
    let (e, s) = (strip(&events.1), strip(&steps.1));
    let lf = read_all([(events.0, e.as_slice()), (steps.0, s.as_slice())]);
    assert_eq!(seen(&lf), seen(&crlf));
    // The reason with commas survives both.
    assert!(seen(&lf)[2].error_code == "ContosoEntryConflict");
}

#[test]
fn a_header_that_cannot_be_mapped_refuses_the_file() {
    // Sniffing takes this for the events file (it has a change ID and a job ID), but it has
    // no date, status or action column to read events from.
    let data = read_all([(
        "ProvisioningLogs.csv",
        b"\xef\xbb\xbfChange ID,Job ID,When,Outcome\r\nc1,j1,2022-08-23,ok\r\n".as_slice(),
    )]);
    let summary = summarize(&data);
    let file = &summary.files[0];
    assert_eq!(file.format, None);
    let why = file.refused.clone().unwrap_or_default();
    assert!(
        why.starts_with(
            "ProvisioningLogs.csv cannot be read: its header has no column for the date, the \
             status, the action"
        ),
        "{why}"
    );
    assert!(
        why.contains("Headers seen: `Change ID`, `Job ID`, `When`, `Outcome`"),
        "{why}"
    );
    assert!(
        why.contains("Headers expected: the date (`Date (UTC)`, `Activity Date Time`"),
        "{why}"
    );
    assert_eq!((summary.events, summary.rejected), (0, 0));
}

#[test]
fn empty_and_header_only_files_are_reported() {
    let data = read_all([
        ("ProvisioningLogs.csv", b"".as_slice()),
        (
            "ProvisioningLogs_ModifiedProperties.csv",
            b"\xef\xbb\xbfChange ID,Name,Old Value,New Value\r\n".as_slice(),
        ),
    ]);
    let summary = summarize(&data);
    assert_eq!(summary.events, 0);
    let empty = summary.files[0].refused.clone().unwrap_or_default();
    assert!(empty.contains("it is empty"), "{empty}");
    assert_eq!(summary.files[1].format, Some(Format::PortalCsvModified));
    assert_eq!(
        summary.issues[1].message,
        "the file has a header row but no data rows"
    );
}

#[test]
fn bad_rows_are_rejected_with_their_position_and_the_rest_is_read() {
    let csv = "Date (UTC),Change ID,Action,Status,Reason\r\n\
        2022-08-23T13:36:50Z,c1,Create,Success,\r\n\
        13/45/2022,c2,Create,Failure,\"quoted, with\r\na line break\"\r\n\
        2022-08-23T13:36:52Z,c3,Create\r\n\
        \"8/23/2022, 1:36:53.000 PM\",c4,Update,Failure,\"said \"\"no\"\"\"\r\n";
    for chunk in CHUNKS {
        let data = load(&[("ProvisioningLogs.csv", csv.as_bytes())], chunk);
        let summary = summarize(&data);
        assert_eq!(
            (summary.events, summary.rejected),
            (2, 2),
            "chunks of {chunk}"
        );
        let issues: Vec<String> = summary
            .issues
            .iter()
            .map(|i| format!("{}: {}", i.position, i.message))
            .collect();
        assert_eq!(
            issues,
            [
                "record 2, line 3, byte 84: column `Date (UTC)`: `13/45/2022` is not a date \
                 (expected ISO 8601 or `M/D/YYYY, h:mm:ss AM/PM`)",
                "record 3, line 5, byte 143: expected 5 columns as in the header, found 3",
            ]
        );
        let rows = seen(&data);
        assert_eq!(rows[1].action, "update");
        assert_eq!(
            data.store.str(data.store.events[1].error_reason),
            "said \"no\""
        );
    }
}

#[test]
fn numbered_steps_are_put_in_order_and_plain_details_are_kept() {
    let events = b"Date (UTC),Change ID,Action,Status\nc-time-is-not-here,c0,Create,Success\n\
        2022-08-23T13:36:50Z,c1,Create,Success\n";
    let steps = b"Change ID,Step Number,Step Name,Step Type,Status,Description,Details\n\
        c1,3,EntryExportAdd,Export,Success,exported,\n\
        c1,1,EntryImportAdd,Import,Success,imported,\"{\"\"ReportableIdentifier\"\":\"\"joel\"\"}\"\n\
        c1,2,EntrySynchronizationAdd,Matching,Success,matched,no match found\n";
    let data = read_all([
        ("ProvisioningLogs_ProvisioningSteps.csv", steps.as_slice()),
        ("ProvisioningLogs.csv", events.as_slice()),
    ]);
    let rows = seen(&data);
    assert_eq!(rows.len(), 1);
    let names: Vec<_> = rows[0].steps.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "EntryImportAdd",
            "EntrySynchronizationAdd",
            "EntryExportAdd"
        ]
    );
    assert_eq!(rows[0].reportable_id, "joel");
    let matching = data.store.steps_of(&data.store.events[0])[1].clone();
    let details: Vec<_> = data
        .store
        .details_of(&matching)
        .iter()
        .map(|&(k, v)| (data.store.str(k), data.store.str(v)))
        .collect();
    assert_eq!(details, [("details", "no match found")]);
    assert_eq!(data.rejected, 1, "the row with an unreadable date");
}

#[test]
fn the_same_event_from_a_portal_csv_and_a_json_export_counts_once() {
    let csv = std::fs::read("tests/fixtures/portal_csv/ProvisioningLogs.csv").unwrap_or_default();
    let json =
        std::fs::read("tests/fixtures/public/graph_v1.0_list_provisioning_example2_failure.json")
            .unwrap_or_default();
    let alone = provlens::core::ingest::read_all([("ProvisioningLogs.csv", csv.as_slice())]);
    let both = provlens::core::ingest::read_all([
        ("ProvisioningLogs.csv", csv.as_slice()),
        ("example2.json", json.as_slice()),
    ]);
    assert_eq!(both.events(), alone.events());
    assert_eq!(both.duplicates, 1);
}
