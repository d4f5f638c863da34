//! Findings rules checked on generated tenants with planted anomalies (found, with the right
//! evidence) and without them (not found), on small hand-built data sets for the rules the
//! generator does not plant, and for determinism and no false positives on clean data.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot find what it expects should stop right there, saying where"
)]

use std::collections::BTreeSet;

use provlens::core::findings::{findings, Figure, Finding, FindingKind, FindingsConfig, Severity};
use provlens::core::gen::{
    generate, write_format, Anomaly, GenConfig, GenFormat, Planted, WriteOptions,
};
use provlens::core::ingest::{read_all, DataSet};
use provlens::core::model::{EventDraft, IdentityDraft, StepDraft, Store, SystemDraft};

fn gen_config(seed: u64, anomalies: Vec<Anomaly>) -> GenConfig {
    GenConfig {
        seed,
        events: 4_000,
        anomalies,
        ..GenConfig::default()
    }
}

fn load(config: &GenConfig) -> (DataSet, Vec<Planted>) {
    let g = generate(config);
    let files = write_format(GenFormat::PortalJson, &g.events, &WriteOptions::default());
    let data = read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    (data, g.truth.planted)
}

/// Evidence uncapped, so a test can compare every planted event.
fn config() -> FindingsConfig {
    FindingsConfig {
        evidence_cap: 100_000,
        ..FindingsConfig::default()
    }
}

fn of_kind<'a>(found: &'a [Finding], kind: FindingKind, job: &str) -> Vec<&'a Finding> {
    found
        .iter()
        .filter(|f| f.kind == kind && f.evidence.job_id == job)
        .collect()
}

fn number(f: &Finding, name: &str) -> f64 {
    match f.evidence.figures.get(name) {
        Some(Figure::Number(n)) => *n,
        other => panic!("figure {name} missing or not a number: {other:?}"),
    }
}

fn text(f: &Finding, name: &str) -> String {
    match f.evidence.figures.get(name) {
        Some(Figure::Text(t)) => t.clone(),
        other => panic!("figure {name} missing or not a text: {other:?}"),
    }
}

fn share_of_planted_events(found: &[&Finding], planted: &Planted) -> f64 {
    let ids: BTreeSet<&str> = found
        .iter()
        .flat_map(|f| f.evidence.event_ids.iter().map(String::as_str))
        .collect();
    let hit = planted
        .event_ids
        .iter()
        .filter(|e| ids.contains(e.as_str()))
        .count();
    hit as f64 / planted.event_ids.len().max(1) as f64
}

/// Plants one anomaly, checks it is found with `check`, and that the same tenant without it
/// has no finding of that kind (at medium or above) on that job.
fn planted_and_absent(name: &str, kind: FindingKind, check: impl Fn(&[&Finding], &Planted)) {
    let anomaly = Anomaly::named(name).unwrap();
    let (data, planted) = load(&gen_config(7, vec![anomaly]));
    let planted = planted
        .into_iter()
        .next()
        .expect("the generator planted it");
    let found = findings(&data.store, &config());
    let hits = of_kind(&found, kind, &planted.job_id);
    assert!(
        !hits.is_empty(),
        "{name}: no {kind:?} finding on {}",
        planted.job_id
    );
    check(&hits, &planted);

    let (clean, _) = load(&gen_config(7, vec![]));
    let found = findings(&clean.store, &config());
    let false_hits: Vec<&str> = of_kind(&found, kind, &planted.job_id)
        .into_iter()
        .filter(|f| f.severity >= Severity::Medium)
        .map(|f| f.title.as_str())
        .collect();
    assert!(false_hits.is_empty(), "{name} absent, yet: {false_hits:?}");
}

#[test]
fn silent_job_planted_and_absent() {
    planted_and_absent("silent-job", FindingKind::SilentJob, |hits, p| {
        let f = hits[0];
        assert!(f.title.starts_with("No events from "), "{}", f.title);
        assert!(f.title.contains("; typical interval "), "{}", f.title);
        let typical = number(f, "typical_interval_ms") / 60_000.0;
        assert!((35.0..=45.0).contains(&typical), "{typical}");
        let silence = number(f, "silence_ms") as i64;
        assert!(silence >= p.end_ms - p.start_ms, "{silence}");
        assert!(f.evidence.first_ms.unwrap() <= p.start_ms);
    });
}

#[test]
fn failure_spike_planted_and_absent() {
    planted_and_absent("failure-spike", FindingKind::FailureSpike, |hits, p| {
        let f = hits.iter().max_by_key(|f| f.evidence.count).unwrap();
        assert_eq!(text(f, "dominant_error"), p.error_code.clone().unwrap());
        assert!(number(f, "dominant_error_count") >= f64::from(p.count));
        assert!(share_of_planted_events(hits, p) > 0.99);
        assert_eq!(
            f.severity,
            Severity::Medium,
            "throttling is not a credential error"
        );
    });
}

#[test]
fn credential_errors_are_high_spikes_and_absent_otherwise() {
    planted_and_absent("credential-errors", FindingKind::FailureSpike, |hits, p| {
        assert!(hits.iter().all(|f| f.severity == Severity::High));
        assert!(hits
            .iter()
            .all(|f| f.title.contains("quarantine precursor")));
        assert_eq!(
            text(hits[0], "dominant_error"),
            p.error_code.clone().unwrap()
        );
    });
}

#[test]
fn mass_deprovisioning_planted_and_absent() {
    planted_and_absent(
        "mass-deprovisioning",
        FindingKind::MassDeprovisioning,
        |hits, p| {
            let f = hits.iter().find(|f| f.severity == Severity::High).unwrap();
            assert!(
                f.title
                    .contains("would have tripped a threshold of 500 (620 disables"),
                "{}",
                f.title
            );
            assert_eq!(number(f, "disables") as u32, p.count);
            assert!(share_of_planted_events(hits, p) > 0.99);
        },
    );
}

#[test]
fn staged_deletes_planted_and_absent() {
    planted_and_absent(
        "staged-deletes",
        FindingKind::MassDeprovisioning,
        |hits, p| {
            let f = hits
                .iter()
                .find(|f| number(f, "staged_deletes") > 0.0)
                .unwrap();
            assert_eq!(number(f, "staged_deletes") as u32, p.count);
            assert_eq!(f.severity, Severity::High);
            assert!(f.explanation.contains("StagedDelete"));
        },
    );
}

#[test]
fn failed_onboarding_planted_and_absent() {
    planted_and_absent(
        "failed-onboarding",
        FindingKind::FailedOnboarding,
        |hits, p| {
            let f = hits
                .iter()
                .find(|f| Some(text(f, "error")) == p.error_code)
                .unwrap();
            assert_eq!(f.evidence.count as usize, p.source_ids.len());
            assert!(share_of_planted_events(hits, p) > 0.99);
            assert!(f.title.contains("never created"));
        },
    );
}

#[test]
fn failed_deprovisioning_planted_and_absent() {
    planted_and_absent(
        "failed-deprovisioning",
        FindingKind::FailedDeprovisioning,
        |hits, p| {
            let f = hits[0];
            assert_eq!(f.severity, Severity::High);
            assert_eq!(Some(text(f, "error")), p.error_code);
            assert_eq!(f.evidence.count as usize, p.source_ids.len());
            assert!(share_of_planted_events(hits, p) > 0.99);
        },
    );
}

#[test]
fn persistent_failure_planted_and_absent() {
    planted_and_absent(
        "persistent-failure",
        FindingKind::PersistentFailure,
        |hits, p| {
            let f = hits[0];
            assert_eq!(f.evidence.count as usize, p.source_ids.len());
            let Anomaly::PersistentFailure { cycles, .. } = p.anomaly else {
                unreachable!()
            };
            assert_eq!(number(f, "longest_run_cycles") as u32, cycles);
            assert_eq!(Some(text(f, "dominant_error")), p.error_code);
            assert!(share_of_planted_events(hits, p) > 0.99);
        },
    );
}

#[test]
fn attribute_flapping_planted_and_absent() {
    planted_and_absent(
        "attribute-flapping",
        FindingKind::AttributeFlapping,
        |hits, p| {
            let f = hits
                .iter()
                .find(|f| Some(text(f, "attribute")) == p.attribute)
                .unwrap();
            assert_eq!(f.evidence.count as usize, p.source_ids.len());
            assert!(share_of_planted_events(hits, p) > 0.99);
        },
    );
}

#[test]
fn clean_tenants_have_no_high_or_medium_findings() {
    for seed in [1, 2, 3, 42] {
        let (data, _) = load(&gen_config(seed, vec![]));
        let found = findings(&data.store, &FindingsConfig::default());
        let loud: Vec<String> = found
            .iter()
            .filter(|f| f.severity >= Severity::Medium)
            .map(|f| format!("{:?} {}", f.severity, f.title))
            .collect();
        assert!(loud.is_empty(), "seed {seed}: {loud:#?}");
        // The informational summaries are still there.
        assert!(found.iter().any(|f| f.kind == FindingKind::SkippedNoise));
        assert!(found.iter().any(|f| f.kind == FindingKind::ErrorTemplate));
    }
}

#[test]
fn every_planted_anomaly_is_found_together() {
    let all: Vec<Anomaly> = Anomaly::NAMES
        .iter()
        .filter_map(|n| Anomaly::named(n))
        .collect();
    let (data, planted) = load(&gen_config(11, all));
    let found = findings(&data.store, &config());
    for p in &planted {
        let kind = match p.anomaly {
            Anomaly::SilentJob { .. } => FindingKind::SilentJob,
            Anomaly::FailureSpike { .. } | Anomaly::CredentialErrors { .. } => {
                FindingKind::FailureSpike
            }
            Anomaly::MassDeprovisioning { .. } | Anomaly::StagedDeletes { .. } => {
                FindingKind::MassDeprovisioning
            }
            Anomaly::FailedOnboarding { .. } => FindingKind::FailedOnboarding,
            Anomaly::FailedDeprovisioning { .. } => FindingKind::FailedDeprovisioning,
            Anomaly::PersistentFailure { .. } => FindingKind::PersistentFailure,
            Anomaly::AttributeFlapping { .. } => FindingKind::AttributeFlapping,
            // Lifecycle chains are checked by their own tests (they span jobs).
            Anomaly::OnTimeJoiners { .. }
            | Anomaly::SlowJoiner { .. }
            | Anomaly::OrphanedAccess { .. }
            | Anomaly::StalledMover { .. } => continue,
        };
        assert!(
            !of_kind(&found, kind, &p.job_id).is_empty(),
            "{:?} not found",
            p.anomaly
        );
    }
}

#[test]
fn findings_are_deterministic_and_sorted() {
    let all: Vec<Anomaly> = Anomaly::NAMES
        .iter()
        .filter_map(|n| Anomaly::named(n))
        .collect();
    let (data, _) = load(&gen_config(5, all));
    let a = findings(&data.store, &FindingsConfig::default());
    let b = findings(&data.store, &FindingsConfig::default());
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    for w in a.windows(2) {
        assert!(w[0].severity >= w[1].severity);
        if w[0].severity == w[1].severity {
            assert!(w[0].kind <= w[1].kind);
        }
    }
    // Round trip through JSON.
    let back: Vec<Finding> = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert_eq!(back.len(), a.len());
    assert!(a.iter().all(|f| f.kql.contains("AADProvisioningLogs")));
}

// ---- Hand-built data for the rules the generator does not plant ------------------------------

const T0: i64 = 1_700_000_000_000;
const CYCLE: i64 = 40 * 60_000;

/// One planned event.
struct Plan {
    cycle: i64,
    person: usize,
    action: &'static str,
    status: &'static str,
    error: &'static str,
    reason: String,
    steps: Vec<StepDraft<'static>>,
}

fn plan(cycle: i64, person: usize, action: &'static str, status: &'static str) -> Plan {
    Plan {
        cycle,
        person,
        action,
        status,
        error: "",
        reason: String::new(),
        steps: Vec::new(),
    }
}

fn store(plans: &[Plan]) -> Store {
    let mut s = Store::default();
    for (i, p) in plans.iter().enumerate() {
        let draft = EventDraft {
            time_ms: Some(T0 + p.cycle * CYCLE + (i as i64 % 600) * 1000),
            id: format!("evt-{i}").into(),
            cycle_id: format!("cycle-{}", p.cycle).into(),
            job_id: "ContosoOutDelta.t.1".into(),
            action: p.action.into(),
            status: p.status.into(),
            error_code: p.error.into(),
            error_reason: p.reason.clone().into(),
            service_principal: SystemDraft {
                id: "sp".into(),
                name: "Contoso".into(),
            },
            source: IdentityDraft {
                id: format!("person-{}", p.person).into(),
                name: format!("Person {}", p.person).into(),
                kind: "User".into(),
                upn: format!("person{}@contoso.com", p.person).into(),
            },
            steps: p.steps.clone(),
            ..EventDraft::default()
        };
        s.push(&draft, 0);
    }
    s
}

/// Ten cycles of 20 successful updates each.
fn background() -> Vec<Plan> {
    (0..10)
        .flat_map(|c| (0..20).map(move |p| plan(c, p, "update", "success")))
        .collect()
}

fn kinds(s: &Store, cfg: &FindingsConfig) -> Vec<(FindingKind, Severity)> {
    findings(s, cfg)
        .iter()
        .map(|f| (f.kind, f.severity))
        .collect()
}

#[test]
fn quarantine_risk_planted_and_absent() {
    let cfg = FindingsConfig {
        quarantine_min_failures: 100,
        ..FindingsConfig::default()
    };
    // 200 background successes plus 150 failures, 20 of them reference failures: 130 counted
    // failures out of 350 events = 37 %, under 40 %; 150 uncounted would be 43 %.
    let mut plans = background();
    for i in 0..150 {
        let mut p = plan(i % 10, 100 + i as usize, "update", "failure");
        p.error = "Conflict";
        if i < 20 {
            p.reason = "UnableToResolveReferenceAttributeValue: manager".to_string();
        }
        plans.push(p);
    }
    let absent = store(&plans);
    assert!(!kinds(&absent, &cfg).contains(&(FindingKind::QuarantineRisk, Severity::High)));
    // Twenty more ordinary failures tip it over: 150 counted of 370 = 40.5 %.
    for i in 0..20 {
        let mut p = plan(i % 10, 300 + i as usize, "update", "failure");
        p.error = "Conflict";
        plans.push(p);
    }
    let planted = store(&plans);
    let found = findings(&planted, &cfg);
    let f = found
        .iter()
        .find(|f| f.kind == FindingKind::QuarantineRisk)
        .unwrap();
    assert_eq!(f.severity, Severity::High);
    assert_eq!(number(f, "reference_failures"), 20.0);
    assert_eq!(f.evidence.count, 150);
    assert!(
        f.title.contains("meets the quarantine rules"),
        "{}",
        f.title
    );
}

fn skip_step(key: &'static str, value: &'static str) -> Vec<StepDraft<'static>> {
    vec![StepDraft {
        name: "EntrySynchronizationSkip".into(),
        kind: "processing".into(),
        status: "skipped".into(),
        description: "skipped".into(),
        details: vec![(key.into(), value.into())],
    }]
}

#[test]
fn skipped_classes_and_a_rising_unexpected_class() {
    let mut plans = background();
    for c in 0..10 {
        for p in 0..5 {
            let mut s = plan(c, 50 + p, "create", "skipped");
            s.steps = vec![StepDraft {
                name: "EntrySynchronizationScoping".into(),
                kind: "scoping".into(),
                status: "skipped".into(),
                description: "Determine if User in scope by evaluating against each scoping filter"
                    .into(),
                details: vec![("department EQUALS 'Sales'".into(), "False".into())],
            }];
            plans.push(s);
        }
    }
    let absent = store(&plans);
    let found = findings(&absent, &FindingsConfig::default());
    let info = found
        .iter()
        .find(|f| f.kind == FindingKind::SkippedNoise)
        .unwrap();
    assert_eq!(info.severity, Severity::Info);
    assert_eq!(number(info, "scoping_filter_failed"), 50.0);
    assert_eq!(number(info, "clause: department EQUALS 'Sales'"), 50.0);
    assert!(!found
        .iter()
        .any(|f| f.kind == FindingKind::SkippedNoise && f.severity > Severity::Info));
    // Attribute-validation skips appear only in the last cycles.
    for c in 8..10 {
        for p in 0..8 {
            let mut s = plan(c, 80 + p, "create", "skipped");
            s.steps = skip_step("SkipReason", "AttributeValidationFailed");
            plans.push(s);
        }
    }
    let planted = store(&plans);
    let found = findings(&planted, &FindingsConfig::default());
    let rise = found
        .iter()
        .find(|f| f.kind == FindingKind::SkippedNoise && f.severity == Severity::Medium)
        .unwrap();
    assert_eq!(text(rise, "class"), "attribute_validation_failed");
    assert_eq!(rise.evidence.count, 16);
}

#[test]
fn error_templates_mask_what_varies() {
    let mut plans = background();
    for i in 0..6 {
        let mut p = plan(i, 200 + i as usize, "create", "failure");
        p.error = "ContosoEntryConflict";
        p.reason = format!(
            "User 'person{i}@contoso.com' conflicts with object {i}b1c2d3e-0000-4000-8000-00000000000{i} (409)"
        );
        plans.push(p);
    }
    let found = findings(&store(&plans), &FindingsConfig::default());
    let t = found
        .iter()
        .find(|f| f.kind == FindingKind::ErrorTemplate)
        .unwrap();
    assert_eq!(t.evidence.count, 6);
    assert_eq!(
        text(t, "template"),
        "User '<value>' conflicts with object <guid> (<n>)"
    );
    assert_eq!(text(t, "error_code"), "ContosoEntryConflict");
    // A single failure is no template.
    let one = store(&plans[..201]);
    assert!(!kinds(&one, &FindingsConfig::default())
        .iter()
        .any(|(k, _)| *k == FindingKind::ErrorTemplate));
}

#[test]
fn account_disabled_alone_is_not_flapping_and_deprovisioning_that_succeeds_later_is_not_a_finding()
{
    use provlens::core::model::ModifiedDraft;
    let mut s = Store::default();
    for c in 0..8i64 {
        let draft = EventDraft {
            time_ms: Some(T0 + c * CYCLE),
            id: format!("e{c}").into(),
            cycle_id: format!("c{c}").into(),
            job_id: "job".into(),
            action: "update".into(),
            status: "success".into(),
            source: IdentityDraft {
                id: "p1".into(),
                ..IdentityDraft::default()
            },
            modified: vec![ModifiedDraft {
                name: "accountDisabled".into(),
                old: "".into(),
                new: if c % 2 == 0 { "true" } else { "false" }.into(),
            }],
            ..EventDraft::default()
        };
        s.push(&draft, 0);
    }
    assert!(!kinds(&s, &FindingsConfig::default())
        .iter()
        .any(|(k, _)| *k == FindingKind::AttributeFlapping));
    // A failed disable followed by a successful one leaves nothing behind.
    let mut plans = background();
    let mut p = plan(3, 7, "disable", "failure");
    p.error = "InsufficientRights";
    plans.push(p);
    let open = store(&plans);
    assert!(kinds(&open, &FindingsConfig::default())
        .contains(&(FindingKind::FailedDeprovisioning, Severity::High)));
    plans.push(plan(5, 7, "disable", "success"));
    let closed = store(&plans);
    assert!(!kinds(&closed, &FindingsConfig::default())
        .iter()
        .any(|(k, _)| *k == FindingKind::FailedDeprovisioning));
}

#[test]
fn orphaned_access_planted_and_absent() {
    let anomaly = Anomaly::named("orphaned-access").unwrap();
    let (data, planted) = load(&gen_config(7, vec![anomaly]));
    let chain = planted
        .iter()
        .flat_map(|p| &p.chains)
        .next()
        .expect("the generator planted a leaver");
    let never: Vec<&str> = chain
        .hops
        .iter()
        .filter(|h| h.event_id.is_none())
        .map(|h| h.system.as_str())
        .collect();
    assert!(
        !never.is_empty(),
        "the planted leaver keeps an account somewhere"
    );
    let found = findings(&data.store, &config());
    let orphans: Vec<&Finding> = found
        .iter()
        .filter(|f| f.kind == FindingKind::OrphanedAccess)
        .collect();
    assert_eq!(
        orphans.len(),
        1,
        "{:?}",
        orphans.iter().map(|f| &f.title).collect::<Vec<_>>()
    );
    let o = orphans[0];
    assert_eq!(o.severity, Severity::High);
    assert_eq!(o.evidence.identities, vec![chain.display_name.clone()]);
    for system in &never {
        assert!(
            text(o, "systems").contains(system),
            "{system} in {}",
            text(o, "systems")
        );
    }
    assert!(o.kql.contains("AADProvisioningLogs"));

    let (clean, _) = load(&gen_config(7, vec![]));
    let found = findings(&clean.store, &config());
    assert!(
        !found.iter().any(|f| f.kind == FindingKind::OrphanedAccess
            || (f.kind == FindingKind::LifecycleSla && f.severity == Severity::High)),
        "clean tenant: {:?}",
        found
            .iter()
            .filter(|f| matches!(
                f.kind,
                FindingKind::OrphanedAccess | FindingKind::LifecycleSla
            ))
            .map(|f| &f.title)
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_app_session_lists_findings_and_filters_every_view_to_one() {
    use provlens::core::analyze::query::Filter;
    use provlens::core::session::{Query, Request, Response, Session};
    let anomaly = Anomaly::named("failed-deprovisioning").unwrap();
    let (data, _) = load(&gen_config(7, vec![anomaly]));
    let mut session = Session::new(data);
    let items = match session.handle(Request::Findings(Box::default())) {
        Response::Findings(items) => items,
        other => panic!("{other:?}"),
    };
    let item = items
        .iter()
        .find(|i| i.finding.kind == FindingKind::FailedDeprovisioning)
        .expect("the planted finding is listed");
    assert!(item.key.starts_with("failed_deprovisioning-"));
    let query = Query {
        filter: Filter {
            finding: Some(item.key.clone()),
            ..Filter::default()
        },
        limit: 10,
        ..Query::default()
    };
    let view = match session.handle(Request::Query(Box::new(query))) {
        Response::View(v) => v,
        other => panic!("{other:?}"),
    };
    let mut expected = item.finding.evidence.event_indices.clone();
    expected.sort_unstable();
    assert_eq!(view.rows.total as usize, expected.len());
    assert_eq!(view.overview.totals.events as usize, expected.len());
    // Other thresholds renumber the findings; an unknown key matches nothing.
    let unknown = Query {
        filter: Filter {
            finding: Some("silent_job-99".into()),
            ..Filter::default()
        },
        ..Query::default()
    };
    match session.handle(Request::Query(Box::new(unknown))) {
        Response::View(v) => assert_eq!(v.rows.total, 0),
        other => panic!("{other:?}"),
    }
}
