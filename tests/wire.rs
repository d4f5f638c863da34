//! The worker's answers in the binary encoding (`core::wire`): every kind of answer, made from
//! generated data, decodes to the value the page got when answers crossed as JSON text; and the
//! JSON output still leaves out the fields it leaves out when empty.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on an unexpected error"
)]

use serde::de::DeserializeOwned;
use serde::Serialize;

use provlens::core::findings::Figure;
use provlens::core::gen::demo_files;
use provlens::core::ingest::read_all;
use provlens::core::lifecycle::LifecycleConfig;
use provlens::core::report::{summarize, summarize_totals};
use provlens::core::session::{ExportFormat, Query, Request, Response, Session};
use provlens::core::wire::{decode, encode};

/// Encodes and decodes `value`: every field the answer carries comes back exactly, numbers to
/// the last bit (JSON text did not always parse a float back to the same bits). Its JSON text is
/// the original's; fields marked `#[serde(skip)]`, which no answer carries, come back as their
/// defaults, as they did when answers crossed as JSON text. And it encodes to the same bytes.
fn round_trip<T: Serialize + DeserializeOwned>(value: &T) {
    let bytes = encode(value).unwrap();
    let back: T = decode(&bytes).unwrap();
    assert!(
        serde_json::to_string(&back).unwrap() == serde_json::to_string(value).unwrap(),
        "the decoded value differs from the encoded one"
    );
    assert_eq!(encode(&back).unwrap(), bytes);
}

/// The demo's files, a file that is refused outright and one with a record that is rejected,
/// so that the summary has files with and without a refusal and issues with partial positions.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut files = demo_files();
    files.push(("broken.json".into(), b"{\"value\": [ {\"id\": ".to_vec()));
    files.push((
        "mixed.json".into(),
        br#"[{"id":"a","activityDateTime":"2026-11-01T00:00:00Z"}, 7, {"id":"b"}]"#.to_vec(),
    ));
    files
}

fn session() -> Session {
    let files = files();
    Session::new(read_all(
        files.iter().map(|(n, b)| (n.as_str(), b.as_slice())),
    ))
}

#[test]
fn summaries_round_trip() {
    let files = files();
    let data = read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    let totals = summarize_totals(&data);
    assert!(totals.files.iter().any(|f| f.refused.is_some()));
    assert!(totals.files.iter().any(|f| f.refused.is_none()));
    assert!(!totals.issues.is_empty());
    round_trip(&Box::new(totals));
    let full = summarize(&data);
    assert!(!full.findings.is_empty());
    round_trip(&Box::new(full));
}

#[test]
fn every_session_answer_round_trips() {
    let mut s = session();
    let lifecycle = LifecycleConfig::default();
    let mut answers = vec![s.handle(Request::Query(Box::new(Query {
        limit: 50,
        identity: Some("a".into()),
        ..Query::default()
    })))];
    answers.push(s.handle(Request::Query(Box::new(Query {
        limit: 20,
        ..Query::default()
    }))));
    answers.push(s.handle(Request::Rows {
        offset: 10,
        limit: 30,
    }));
    answers.push(s.handle(Request::Detail { event: 0 }));
    answers.push(s.handle(Request::Detail { event: u32::MAX }));
    answers.push(s.handle(Request::Export {
        format: ExportFormat::Csv,
    }));
    answers.push(s.handle(Request::Export {
        format: ExportFormat::Json,
    }));
    let findings = s.handle(Request::Findings(Box::default()));
    match &findings {
        Response::Findings(items) => {
            let figures = items
                .iter()
                .flat_map(|i| i.finding.evidence.figures.values());
            assert!(figures.clone().any(|f| matches!(f, Figure::Number(_))));
            assert!(figures.clone().any(|f| matches!(f, Figure::Text(_))));
        }
        other => panic!("expected findings, got {other:?}"),
    }
    answers.push(findings);
    let overview = s.handle(Request::Lifecycle(Box::new(lifecycle.clone())));
    let (person, name) = match &overview {
        Response::Lifecycle(o) => {
            let row = o
                .slowest_joiners
                .first()
                .or(o.never_created.first())
                .unwrap();
            (row.person, row.name.clone())
        }
        other => panic!("expected a lifecycle overview, got {other:?}"),
    };
    answers.push(overview);
    answers.push(s.handle(Request::Person {
        config: Box::new(lifecycle.clone()),
        person,
    }));
    answers.push(s.handle(Request::Person {
        config: Box::new(lifecycle.clone()),
        person: u32::MAX,
    }));
    answers.push(s.handle(Request::FindPersons {
        config: Box::new(lifecycle),
        text: name,
    }));

    let kinds = |r: &Response| std::mem::discriminant(r);
    let mut seen: Vec<_> = answers.iter().map(kinds).collect();
    seen.dedup();
    assert_eq!(seen.len(), 8, "every kind of answer: {seen:?}");
    for answer in &answers {
        round_trip(answer);
    }
}

#[test]
fn json_still_leaves_out_empty_optional_fields() {
    let files = files();
    let data = read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    let summary = summarize_totals(&data);
    let json = serde_json::to_value(&summary).unwrap();
    let files = json["files"].as_array().unwrap();
    assert!(files.iter().any(|f| f.get("refused").is_some()));
    assert!(files.iter().any(|f| f.get("refused").is_none()));
    // A binary encoding in between does not change what JSON leaves out.
    let _ = encode(&summary).unwrap();
    assert_eq!(serde_json::to_value(&summary).unwrap(), json);
}

#[test]
fn figures_are_bare_numbers_and_strings_in_json() {
    let figures = vec![
        Figure::Number(1.5),
        Figure::Number(3.0),
        Figure::Text("TooManyRequests".into()),
    ];
    let json = serde_json::to_string(&figures).unwrap();
    assert_eq!(json, r#"[1.5,3.0,"TooManyRequests"]"#);
    let back: Vec<Figure> = serde_json::from_str(r#"[1.5,3,-2,"TooManyRequests"]"#).unwrap();
    assert_eq!(
        back,
        vec![
            Figure::Number(1.5),
            Figure::Number(3.0),
            Figure::Number(-2.0),
            Figure::Text("TooManyRequests".into()),
        ]
    );
    assert!(serde_json::from_str::<Figure>("true").is_err());
    let bytes = encode(&figures).unwrap();
    assert_eq!(decode::<Vec<Figure>>(&bytes).unwrap(), figures);
}

/// The page's requests cross in the same encoding (a load's `File` handles aside): every kind,
/// with filters that set some fields and leave others empty, decodes to what was sent.
#[test]
fn every_session_request_round_trips() {
    use provlens::core::analyze::dims::Scenario;
    use provlens::core::analyze::query::Filter;
    use provlens::core::findings::FindingsConfig;
    use provlens::core::model::Status;
    use provlens::core::view::{Column, Sort};

    let filters = [
        Filter::default(),
        Filter {
            statuses: vec![Status::Failure],
            jobs: vec!["job-1".into(), String::new()],
            scenarios: vec![Scenario::CloudSync],
            from_ms: Some(-5),
            text: "zoë".into(),
            ..Filter::default()
        },
        Filter {
            to_ms: Some(i64::MAX),
            finding: Some("silent_job-1".into()),
            cycles: vec!["c".into()],
            ..Filter::default()
        },
    ];
    let mut findings = FindingsConfig {
        silent_gap_multiple: 2.5,
        ..FindingsConfig::default()
    };
    findings.lifecycle.joiner_sla_ms = 7;
    let mut requests: Vec<Request> = filters
        .into_iter()
        .map(|filter| {
            Request::Query(Box::new(Query {
                filter,
                sort: Sort {
                    column: Column::Identity,
                    descending: true,
                },
                offset: 3,
                limit: 80,
                identity: Some("ana".into()),
            }))
        })
        .collect();
    requests.extend([
        Request::Rows {
            offset: 1,
            limit: 2,
        },
        Request::Detail { event: 9 },
        Request::Export {
            format: ExportFormat::Json,
        },
        Request::Findings(Box::new(findings.clone())),
        Request::Lifecycle(Box::new(findings.lifecycle.clone())),
        Request::Person {
            config: Box::new(findings.lifecycle.clone()),
            person: 4,
        },
        Request::FindPersons {
            config: Box::new(findings.lifecycle),
            text: String::new(),
        },
    ]);
    for request in &requests {
        let back: Request = decode(&encode(request).unwrap()).unwrap();
        assert_eq!(&back, request);
    }
}

#[test]
fn load_progress_round_trips() {
    use provlens::core::progress::FileProgress;
    let p = FileProgress {
        index: 2,
        name: "PT1H.json".into(),
        bytes_read: 1 << 40,
        size_bytes: u64::MAX,
        events: 0,
    };
    assert_eq!(decode::<FileProgress>(&encode(&p).unwrap()).unwrap(), p);
}
