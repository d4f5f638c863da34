//! The synthetic-export generator: determinism, counts, every JSON writer read back through the
//! ingest path into the same data set, and planted anomalies exactly where the manifest says.

use std::collections::BTreeMap;

use provlens::core::gen::{
    demo_config, demo_files, generate, write_format, Anomaly, GenConfig, GenFormat, Generated,
    JobKind, Wrap, WriteOptions,
};
use provlens::core::ingest::{read_all, DataSet};
use provlens::core::model::{Action, Status};

fn config(events: u32, anomalies: Vec<Anomaly>) -> GenConfig {
    GenConfig {
        seed: 42,
        events,
        anomalies,
        ..GenConfig::default()
    }
}

fn all_anomalies() -> Vec<Anomaly> {
    Anomaly::NAMES
        .iter()
        .filter_map(|n| Anomaly::named(n))
        .collect()
}

fn read(files: &[(String, Vec<u8>)]) -> DataSet {
    read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
}

/// Per event: time, status, action, error code, steps count, modified count.
type EventFacts = (Option<i64>, Status, Action, String, usize, usize);

/// The normalized facts of a data set that every format must agree on.
#[derive(Debug, PartialEq, Eq)]
struct Facts {
    events: usize,
    by_status: BTreeMap<Status, usize>,
    by_action: BTreeMap<Action, usize>,
    by_job: BTreeMap<String, usize>,
    by_error: BTreeMap<String, usize>,
    source_ids: usize,
    /// id → (time, status, action, error code, steps, modified)
    per_event: BTreeMap<String, EventFacts>,
}

fn facts(d: &DataSet) -> Facts {
    let s = &d.store;
    let mut f = Facts {
        events: s.events.len(),
        by_status: BTreeMap::new(),
        by_action: BTreeMap::new(),
        by_job: BTreeMap::new(),
        by_error: BTreeMap::new(),
        source_ids: 0,
        per_event: BTreeMap::new(),
    };
    let mut ids = std::collections::BTreeSet::new();
    for e in &s.events {
        *f.by_status.entry(e.status).or_default() += 1;
        *f.by_action.entry(e.action).or_default() += 1;
        *f.by_job.entry(s.str(e.job_id).to_string()).or_default() += 1;
        *f.by_error
            .entry(s.str(e.error_code).to_string())
            .or_default() += 1;
        ids.insert(s.str(e.source.id).to_string());
        f.per_event.insert(
            s.str(e.id).to_string(),
            (
                e.time_ms,
                e.status,
                e.action,
                s.str(e.error_code).to_string(),
                s.steps_of(e).len(),
                s.modified_of(e).len(),
            ),
        );
    }
    f.source_ids = ids.len();
    f
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = generate(&config(800, all_anomalies()));
    let b = generate(&config(800, all_anomalies()));
    let opts = WriteOptions::default();
    for format in GenFormat::ALL {
        assert_eq!(
            write_format(format, &a.events, &opts),
            write_format(format, &b.events, &opts),
            "{format:?}"
        );
    }
    let c = generate(&GenConfig {
        seed: 43,
        ..config(800, all_anomalies())
    });
    assert_ne!(
        write_format(GenFormat::PortalJson, &a.events, &opts),
        write_format(GenFormat::PortalJson, &c.events, &opts)
    );
    assert_eq!(a.truth, b.truth);
}

#[test]
fn event_count_is_near_the_target() {
    for (target, days) in [(5_000u32, 7u32), (1_200, 2), (20_000, 7)] {
        let g = generate(&GenConfig {
            events: target,
            days,
            ..GenConfig::default()
        });
        let n = g.events.len() as f64;
        let t = f64::from(target);
        assert!((n - t).abs() / t < 0.05, "target {target}: got {n}");
    }
    // Planted anomalies count toward the target too.
    let g = generate(&config(5_000, all_anomalies()));
    let n = g.events.len() as f64;
    assert!((n - 5_000.0).abs() / 5_000.0 < 0.08, "got {n}");
}

#[test]
fn every_json_format_reads_back_as_the_same_data_set() {
    let g = generate(&config(3_000, all_anomalies()));
    let opts = WriteOptions {
        page_size: 700,
        batch_size: 400,
        wrap: Wrap::None,
    };
    let portal = read(&write_format(GenFormat::PortalJson, &g.events, &opts));
    assert_eq!(portal.rejected, 0, "{:?}", portal.issues);
    assert_eq!(portal.events(), g.events.len());
    let expected = facts(&portal);
    for format in [
        GenFormat::Graph,
        GenFormat::GraphBeta,
        GenFormat::Sdk,
        GenFormat::Diagnostic,
        GenFormat::EventHub,
        GenFormat::LaJson,
    ] {
        for wrap in [Wrap::None, Wrap::Gzip, Wrap::Zip] {
            let files = write_format(format, &g.events, &WriteOptions { wrap, ..opts });
            let d = read(&files);
            assert_eq!(d.rejected, 0, "{format:?} {wrap:?}: {:?}", d.issues);
            assert_eq!(d.duplicates, 0, "{format:?} {wrap:?}");
            let got = facts(&d);
            assert_eq!(got.events, expected.events, "{format:?} {wrap:?}");
            assert_eq!(got.by_status, expected.by_status, "{format:?}");
            assert_eq!(got.by_action, expected.by_action, "{format:?}");
            assert_eq!(got.by_job, expected.by_job, "{format:?}");
            assert_eq!(got.by_error, expected.by_error, "{format:?}");
            assert_eq!(got.source_ids, expected.source_ids, "{format:?}");
            assert!(
                got.per_event == expected.per_event,
                "{format:?} per-event differs"
            );
        }
    }
}

#[test]
fn graph_pages_chain_with_next_links() {
    let g = generate(&config(1_000, Vec::new()));
    let files = write_format(
        GenFormat::Graph,
        &g.events,
        &WriteOptions {
            page_size: 300,
            ..WriteOptions::default()
        },
    );
    assert_eq!(files.len(), g.events.len().div_ceil(300));
    for (i, (_, bytes)) in files.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
        assert!(v["@odata.context"]
            .as_str()
            .is_some_and(|c| c.ends_with("#auditLogs/provisioning")));
        assert_eq!(v.get("@odata.nextLink").is_some(), i + 1 < files.len());
    }
}

fn check_planted(g: &Generated) {
    let by_id: BTreeMap<&str, &provlens::core::gen::GenEvent> =
        g.events.iter().map(|e| (e.id.as_str(), e)).collect();
    for p in &g.truth.planted {
        let name = p.anomaly.name();
        for id in &p.event_ids {
            let e = by_id.get(id.as_str());
            assert!(e.is_some_and(|e| e.job_id == p.job_id), "{name}: {id}");
        }
        match &p.anomaly {
            Anomaly::SilentJob { hours, .. } => {
                assert_eq!(p.end_ms - p.start_ms, i64::from(*hours) * 3_600_000);
                let inside = g
                    .events
                    .iter()
                    .filter(|e| e.job_id == p.job_id)
                    .filter(|e| e.time_ms >= p.start_ms && e.time_ms < p.end_ms)
                    .count();
                assert_eq!(inside, 0, "{name}");
                let before = g
                    .events
                    .iter()
                    .any(|e| e.job_id == p.job_id && e.time_ms < p.start_ms);
                let after = g
                    .events
                    .iter()
                    .any(|e| e.job_id == p.job_id && e.time_ms >= p.end_ms);
                assert!(before && after, "{name}: the job runs around the window");
            }
            Anomaly::FailureSpike { failures, .. } => {
                assert_eq!(p.cycle_ids.len(), 1);
                let code = p.error_code.clone().unwrap_or_default();
                let in_cycle: Vec<_> = g
                    .events
                    .iter()
                    .filter(|e| e.cycle_id == p.cycle_ids[0])
                    .collect();
                let failed = in_cycle
                    .iter()
                    .filter(|e| e.status == Status::Failure)
                    .count();
                let dominant = in_cycle
                    .iter()
                    .filter(|e| e.error.as_ref().is_some_and(|x| x.code == code))
                    .count();
                assert_eq!(failed, *failures as usize, "{name}");
                assert_eq!(dominant, p.count as usize, "{name}");
                assert!(dominant * 10 >= failed * 8, "{name}: dominant code");
            }
            Anomaly::CredentialErrors { cycles, .. } => {
                assert_eq!(p.cycle_ids.len(), *cycles as usize, "{name}");
                for c in &p.cycle_ids {
                    let evs: Vec<_> = g.events.iter().filter(|e| &e.cycle_id == c).collect();
                    assert!(!evs.is_empty());
                    assert!(evs.iter().all(|e| e
                        .error
                        .as_ref()
                        .is_some_and(|x| x.code == "AzureActiveDirectoryExpiredCredentials")));
                }
            }
            Anomaly::MassDeprovisioning { disables, .. } => {
                assert_eq!(p.count, *disables, "{name}");
                let n = g
                    .events
                    .iter()
                    .filter(|e| e.cycle_id == p.cycle_ids[0] && e.action == Action::Disable)
                    .count();
                assert_eq!(n, *disables as usize, "{name}");
            }
            Anomaly::StagedDeletes { count, .. } => {
                let n = g
                    .events
                    .iter()
                    .filter(|e| e.cycle_id == p.cycle_ids[0] && e.action == Action::StagedDelete)
                    .count();
                assert_eq!(n, *count as usize, "{name}");
                assert_eq!(
                    g.events
                        .iter()
                        .filter(|e| e.action == Action::StagedDelete)
                        .count(),
                    *count as usize
                );
            }
            Anomaly::FailedOnboarding { people, .. }
            | Anomaly::FailedDeprovisioning { people, .. } => {
                assert_eq!(p.source_ids.len(), *people as usize, "{name}");
                let want = if matches!(p.anomaly, Anomaly::FailedOnboarding { .. }) {
                    Action::Create
                } else {
                    Action::Disable
                };
                for sid in &p.source_ids {
                    let evs: Vec<_> = g
                        .events
                        .iter()
                        .filter(|e| &e.source.id == sid && e.job_id == p.job_id)
                        .filter(|e| e.action == want)
                        .collect();
                    assert!(evs.len() > 10, "{name}: fails in every cycle");
                    assert!(evs.iter().all(|e| e.status == Status::Failure), "{name}");
                    let cycles: std::collections::BTreeSet<_> =
                        evs.iter().map(|e| &e.cycle_id).collect();
                    assert_eq!(cycles.len(), evs.len(), "{name}: one per cycle");
                }
            }
            Anomaly::PersistentFailure { cycles, people, .. } => {
                assert_eq!(p.count, cycles * people, "{name}");
                assert_eq!(
                    p.cycle_ids.len(),
                    *cycles as usize + 1,
                    "{name}: and recovery"
                );
                for sid in &p.source_ids {
                    let evs: Vec<_> = g
                        .events
                        .iter()
                        .filter(|e| p.cycle_ids.contains(&e.cycle_id) && &e.source.id == sid)
                        .collect();
                    assert_eq!(evs.len(), *cycles as usize + 1);
                    let last = evs.last().map(|e| e.status);
                    assert_eq!(last, Some(Status::Success), "{name}: recovers");
                }
            }
            // Lifecycle chains are checked against the lifecycle analysis in tests/lifecycle.rs.
            Anomaly::OnTimeJoiners { .. }
            | Anomaly::SlowJoiner { .. }
            | Anomaly::OrphanedAccess { .. }
            | Anomaly::StalledMover { .. } => {
                assert!(!p.chains.is_empty(), "{name}: chains recorded");
            }
            Anomaly::AttributeFlapping { people, flips, .. } => {
                assert_eq!(p.count, people * flips, "{name}");
                for sid in &p.source_ids {
                    let values: Vec<(Option<String>, Option<String>)> = p
                        .event_ids
                        .iter()
                        .filter_map(|id| by_id.get(id.as_str()))
                        .filter(|e| &e.source.id == sid)
                        .flat_map(|e| e.modified.iter())
                        .filter(|m| m.name == "department")
                        .map(|m| (m.old.clone(), m.new.clone()))
                        .collect();
                    assert_eq!(values.len(), *flips as usize);
                    for w in values.windows(2) {
                        assert_eq!(w[0].1, w[1].0, "{name}: chained");
                        assert_eq!(w[0].0, w[1].1, "{name}: A→B→A");
                    }
                }
            }
        }
    }
}

#[test]
fn planted_anomalies_appear_as_the_manifest_says() {
    let g = generate(&config(5_000, all_anomalies()));
    assert_eq!(g.truth.planted.len(), Anomaly::NAMES.len());
    check_planted(&g);
    let g = generate(&GenConfig {
        seed: 9,
        events: 20_000,
        ..config(0, all_anomalies())
    });
    check_planted(&g);
}

#[test]
fn identities_chain_across_jobs() {
    let g = generate(&config(5_000, Vec::new()));
    let job = |k: JobKind| {
        g.truth
            .jobs
            .iter()
            .find(|j| j.kind == k)
            .map(|j| j.job_id.clone())
            .unwrap_or_default()
    };
    let (wd, cs, db) = (
        job(JobKind::Workday),
        job(JobKind::CloudSync),
        job(JobKind::Dropbox),
    );
    let created = |j: &str| -> Vec<(String, String)> {
        g.events
            .iter()
            .filter(|e| e.job_id == j && e.action == Action::Create && e.status == Status::Success)
            .map(|e| (e.source.id.clone(), e.target.id.clone()))
            .collect()
    };
    let hr = created(&wd);
    let sync = created(&cs);
    assert!(!hr.is_empty());
    // Every AD object HR created and cloud sync later created in Entra chains by id.
    let chained = hr
        .iter()
        .filter(|(_, ad)| sync.iter().any(|(src, _)| src == ad))
        .count();
    assert!(chained * 2 >= hr.len(), "{chained} of {}", hr.len());
    let apps = created(&db);
    let chained_app = sync
        .iter()
        .filter(|(_, entra)| apps.iter().any(|(src, _)| src == entra))
        .count();
    assert!(chained_app > 0);
}

#[test]
fn realistic_status_mix() {
    let g = generate(&config(5_000, Vec::new()));
    let n = g.events.len() as f64;
    let share = |s: Status| g.events.iter().filter(|e| e.status == s).count() as f64 / n;
    assert!(share(Status::Success) > 0.55, "{}", share(Status::Success));
    assert!(share(Status::Skipped) > 0.1);
    let f = share(Status::Failure);
    assert!(f > 0.01 && f < 0.12, "{f}");
    assert!(g
        .events
        .iter()
        .filter(|e| e.status == Status::Failure)
        .all(|e| e.error.is_some()));
}

#[test]
fn demo_files_are_the_portal_json_and_diagnostic_writers_output() {
    // The demo calls two writers directly; its files must be exactly what `write_format` (the
    // CLI's path) writes for the demo's events: the non-Workday events as a portal download,
    // the Workday job's as diagnostic JSON Lines.
    let g = generate(&demo_config());
    let workday = g
        .truth
        .jobs
        .iter()
        .find(|j| j.kind == JobKind::Workday)
        .map(|j| j.job_id.clone())
        .unwrap_or_default();
    assert!(!workday.is_empty());
    let (hr, rest): (Vec<_>, Vec<_>) = g.events.into_iter().partition(|e| e.job_id == workday);
    let options = WriteOptions::default();
    let mut expected = write_format(GenFormat::PortalJson, &rest, &options);
    expected.extend(write_format(GenFormat::Diagnostic, &hr, &options));
    assert_eq!(demo_files(), expected);
}

#[test]
fn demo_files_are_quick_and_read_cleanly() {
    let started = std::time::Instant::now();
    let files = demo_files();
    let elapsed = started.elapsed();
    let d = read(&files);
    assert!(files.len() >= 2);
    assert_eq!(d.rejected, 0);
    assert!((2_700..=3_300).contains(&d.events()), "{}", d.events());
    // Debug builds are much slower than release; this still catches accidental blow-ups.
    assert!(elapsed.as_millis() < 3_000, "{elapsed:?}");
}

/// Reads `files` in chunks of `chunk` bytes, decoding JSON records on one thread or two (the
/// second thread is for the command line; the wasm build has none).
#[cfg(not(target_arch = "wasm32"))]
fn read_threads(files: &[(String, Vec<u8>)], chunk: usize, two: bool) -> DataSet {
    let mut ingest = provlens::core::ingest::Ingest::default().two_threads(two);
    for (name, bytes) in files {
        let mut st = ingest.begin(name, bytes.len() as u64);
        for c in bytes.chunks(chunk) {
            ingest.push(&mut st, c);
        }
        ingest.end(st);
    }
    ingest.finish()
}

/// `bytes` with the `n`th occurrence of `what` replaced by `with`.
#[cfg(not(target_arch = "wasm32"))]
fn splice(bytes: &[u8], what: &[u8], n: usize, with: &[u8]) -> Vec<u8> {
    let at = bytes
        .windows(what.len())
        .enumerate()
        .filter(|(_, w)| *w == what)
        .nth(n)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no occurrence {n}"));
    [&bytes[..at], with, &bytes[at + what.len()..]].concat()
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn two_decoding_threads_read_the_same_data_set_and_issues_as_one() {
    let g = generate(&config(3_000, all_anomalies()));
    let opts = WriteOptions {
        page_size: 700,
        batch_size: 400,
        wrap: Wrap::None,
    };
    for format in [
        GenFormat::PortalJson,
        GenFormat::Graph,
        GenFormat::Sdk,
        GenFormat::Diagnostic,
        GenFormat::EventHub,
    ] {
        let mut files = write_format(format, &g.events, &opts);
        if format == GenFormat::PortalJson {
            // Records that are rejected, in both halves of a chunk: bytes that are not UTF-8,
            // a number where a text belongs, and a record cut short.
            let bytes = &files[0].1;
            let bytes = splice(bytes, b"\"cycleId\":\"", 40, b"\"cycleId\":\"\xff");
            let bytes = splice(
                &bytes,
                b"\"changeId\":\"",
                900,
                b"\"changeId\":[1],\"x\":\"",
            );
            let bytes = splice(&bytes, b"},{\"id\":", 2_000, b",{\"id\":");
            files[0].1 = bytes;
        }
        for chunk in [1 << 18, 1 << 20] {
            let one = read_threads(&files, chunk, false);
            let two = read_threads(&files, chunk, true);
            let order = |d: &DataSet| -> Vec<String> {
                d.store
                    .events
                    .iter()
                    .map(|e| d.store.str(e.id).to_string())
                    .collect()
            };
            assert!(order(&one) == order(&two), "{format:?}: event order");
            assert_eq!(facts(&one), facts(&two), "{format:?}");
            assert_eq!(one.issues, two.issues, "{format:?}");
            assert_eq!(one.reasons, two.reasons, "{format:?}");
            assert_eq!(one.files, two.files, "{format:?}");
            assert_eq!(
                (one.rejected, one.duplicates),
                (two.rejected, two.duplicates)
            );
            if format == GenFormat::PortalJson {
                assert_eq!(one.rejected, 3, "{:#?}", one.issues);
            }
        }
    }
}
