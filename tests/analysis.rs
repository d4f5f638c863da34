//! Analyses checked against expectations computed independently from the test's own records.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use provlens::core::analyze::columns::Columns;
use provlens::core::analyze::identity::identity_report;
use provlens::core::analyze::overview::{overview, Overview};
use provlens::core::analyze::query::{run, Facet, Filter};
use provlens::core::model::{
    Action, EventDraft, IdentityDraft, ModifiedDraft, Status, StepDraft, Store, SystemDraft,
};

/// One planned event, as the test knows it.
#[derive(Clone)]
struct Plan {
    job: &'static str,
    source: &'static str,
    target: &'static str,
    cycle: usize,
    minute: i64,
    person: usize,
    action: &'static str,
    status: &'static str,
    error: &'static str,
    kind: &'static str,
    attr: Option<(&'static str, &'static str, &'static str)>,
}

const T0: i64 = 1_700_000_000_000;

fn plans() -> Vec<Plan> {
    let jobs = [
        (
            "AD2AADProvisioning.t.1",
            "Active Directory",
            "Microsoft Entra ID",
        ),
        (
            "DropboxSCIMOutDelta.t.2",
            "Azure Active Directory",
            "Dropbox",
        ),
        ("Workday2AD.t.3", "Workday", "Active Directory"),
    ];
    let mut out = Vec::new();
    for (j, (job, source, target)) in jobs.iter().enumerate() {
        for cycle in 0..6 {
            for person in 0..(5 + j) {
                let n = cycle * 7 + person + j;
                let (status, error) = match n % 9 {
                    0 => ("failure", "DropboxEntryConflict"),
                    4 => (
                        "failure",
                        "HybridSynchronizationActiveDirectoryInsufficientAccessRights",
                    ),
                    5 | 6 => ("skipped", ""),
                    7 => ("warning", ""),
                    _ => ("success", ""),
                };
                let action = ["create", "update", "update", "disable", "delete", "other"][n % 6];
                out.push(Plan {
                    job,
                    source,
                    target,
                    cycle,
                    minute: cycle as i64 * 40 + person as i64,
                    person,
                    action,
                    status,
                    error,
                    kind: if person == 0 {
                        "Group"
                    } else if j == 1 {
                        "urn:ietf:params:scim:schemas:core:2.0:User"
                    } else {
                        "User"
                    },
                    attr: (action == "update").then_some(("department", "Sales", "Finance")),
                });
            }
        }
    }
    out
}

fn draft(p: &Plan, i: usize) -> EventDraft<'static> {
    let id = format!("person-{}", p.person);
    EventDraft {
        time_ms: Some(T0 + p.minute * 60_000),
        id: format!("evt-{i}").into(),
        change_id: format!("chg-{i}").into(),
        cycle_id: format!("{}-cycle-{}", p.job, p.cycle).into(),
        job_id: p.job.into(),
        action: p.action.into(),
        status: p.status.into(),
        error_code: p.error.into(),
        error_reason: if p.error.is_empty() {
            "".into()
        } else {
            format!("reason for {id}").into()
        },
        source_system: SystemDraft {
            id: "s".into(),
            name: p.source.into(),
        },
        target_system: SystemDraft {
            id: "t".into(),
            name: p.target.into(),
        },
        service_principal: SystemDraft {
            id: "sp".into(),
            name: p.job.split('.').next().unwrap_or("").into(),
        },
        source: IdentityDraft {
            id: id.clone().into(),
            name: format!("Person {}", p.person).into(),
            kind: p.kind.into(),
            upn: format!("person{}@contoso.com", p.person).into(),
        },
        target: IdentityDraft {
            id: format!("{}-in-{}", id, p.target).into(),
            ..IdentityDraft::default()
        },
        steps: vec![StepDraft {
            name: "EntryImport".into(),
            kind: "import".into(),
            status: "success".into(),
            description: format!("Retrieved User '{id}' from {}", p.source).into(),
            details: vec![],
        }],
        modified: p
            .attr
            .map(|(n, o, v)| {
                vec![ModifiedDraft {
                    name: n.into(),
                    old: o.into(),
                    new: v.into(),
                }]
            })
            .unwrap_or_default(),
        ..EventDraft::default()
    }
}

fn store() -> (Store, Vec<Plan>) {
    let plans = plans();
    let mut s = Store::default();
    for (i, p) in plans.iter().enumerate() {
        s.push(&draft(p, i), 0);
    }
    (s, plans)
}

#[test]
fn summary_counts_match_the_plan() {
    let (s, plans) = store();
    let r = overview(&s, None);
    let count = |f: &dyn Fn(&Plan) -> bool| plans.iter().filter(|p| f(p)).count() as u64;
    assert_eq!(r.totals.events, plans.len() as u64);
    assert_eq!(
        r.totals.by_status.failure,
        count(&|p| p.status == "failure")
    );
    assert_eq!(
        r.totals.by_status.skipped,
        count(&|p| p.status == "skipped")
    );
    assert_eq!(
        r.totals.by_action.disable,
        count(&|p| p.action == "disable")
    );
    assert_eq!(r.totals.by_action.other, count(&|p| p.action == "other"));
    // Identity types compare case-insensitively; SCIM URNs count as their short type.
    assert_eq!(
        r.identity_types.get("group"),
        Some(&count(&|p| p.kind == "Group"))
    );
    assert_eq!(
        r.identity_types.get("user"),
        Some(&count(&|p| p.kind != "Group"))
    );
    assert_eq!(
        r.scenarios.get("cloud_sync"),
        Some(&count(&|p| p.job.starts_with("AD2AAD")))
    );
    assert_eq!(
        r.scenarios.get("hr_inbound"),
        Some(&count(&|p| p.job.starts_with("Workday")))
    );
    assert_eq!(
        r.scenarios.get("app_provisioning"),
        Some(&count(&|p| p.job.starts_with("Dropbox")))
    );
    let people: BTreeSet<usize> = plans.iter().map(|p| p.person).collect();
    assert_eq!(r.identities, people.len() as u64);
    let failed: BTreeSet<usize> = plans
        .iter()
        .filter(|p| p.status == "failure")
        .map(|p| p.person)
        .collect();
    assert_eq!(r.identities_by_status.failure, failed.len() as u64);
    let ok = count(&|p| p.status == "success") as f64;
    let decided = count(&|p| matches!(p.status, "success" | "failure" | "warning")) as f64;
    assert!((r.success_rate.unwrap_or(0.0) - 100.0 * ok / decided).abs() < 1e-9);
    assert_eq!(
        r.totals.time_range.first.as_deref(),
        Some("2023-11-14T22:13:20Z")
    );
}

#[test]
fn jobs_and_cycles_match_the_plan() {
    let (s, plans) = store();
    let r = overview(&s, None);
    assert_eq!(r.jobs.len(), 3);
    for job in &r.jobs {
        let mine: Vec<&Plan> = plans.iter().filter(|p| p.job == job.job_id).collect();
        assert_eq!(job.events, mine.len() as u64, "{}", job.job_id);
        assert_eq!(job.cycles, 6);
        // Cycles start every 40 minutes.
        assert_eq!(job.typical_cycle_interval_ms, Some(40 * 60_000));
        let failures = mine.iter().filter(|p| p.status == "failure").count() as f64;
        assert!((job.failure_rate - failures / mine.len() as f64).abs() < 1e-9);
        for c in &job.cycle_list {
            let in_cycle: Vec<&&Plan> = mine
                .iter()
                .filter(|p| c.cycle_id.ends_with(&format!("-cycle-{}", p.cycle)))
                .collect();
            assert_eq!(c.events, in_cycle.len() as u64);
            let last = in_cycle.iter().map(|p| p.minute).max().unwrap_or(0);
            let first = in_cycle.iter().map(|p| p.minute).min().unwrap_or(0);
            assert_eq!(c.duration_ms, Some((last - first) * 60_000));
            let created_ok = in_cycle
                .iter()
                .filter(|p| p.action == "create" && p.status == "success")
                .count() as u64;
            assert_eq!(
                c.counts.0.get("create/success").copied().unwrap_or(0),
                created_ok
            );
        }
    }
    // Entra's two names are one system.
    let dropbox = r.jobs.iter().find(|j| j.job_id.starts_with("Dropbox"));
    assert_eq!(
        dropbox.map(|j| j.source.as_str()),
        Some("Microsoft Entra ID")
    );
}

#[test]
fn errors_rank_by_count_with_identities_and_time_span() {
    let (s, plans) = store();
    let r = overview(&s, None);
    let mut expected: BTreeMap<&str, (u64, BTreeSet<usize>, i64, i64)> = BTreeMap::new();
    for p in plans.iter().filter(|p| !p.error.is_empty()) {
        let e = expected
            .entry(p.error)
            .or_insert((0, BTreeSet::new(), i64::MAX, i64::MIN));
        e.0 += 1;
        e.1.insert(p.person);
        e.2 = e.2.min(p.minute);
        e.3 = e.3.max(p.minute);
    }
    assert_eq!(r.errors.len(), expected.len());
    assert!(r.errors.windows(2).all(|w| w[0].count >= w[1].count));
    for e in &r.errors {
        let (n, who, first, last) = &expected[e.code.as_str()];
        assert_eq!(e.count, *n);
        assert_eq!(e.identities, who.len() as u64);
        assert_eq!(
            e.first,
            Some(provlens::core::time::format_iso(T0 + first * 60_000))
        );
        assert_eq!(
            e.last,
            Some(provlens::core::time::format_iso(T0 + last * 60_000))
        );
    }
}

#[test]
fn attributes_and_timeline_add_up() {
    let (s, plans) = store();
    let r = overview(&s, None);
    let updates = plans.iter().filter(|p| p.attr.is_some()).count() as u64;
    assert_eq!(
        r.attributes.first().map(|a| (a.name.as_str(), a.changes)),
        Some(("department", updates))
    );
    let bars: u64 = r
        .timeline
        .buckets
        .iter()
        .map(|b| b.by_status.iter().sum::<u64>())
        .sum();
    assert_eq!(bars, plans.len() as u64);
    let by_action: u64 = r
        .timeline
        .buckets
        .iter()
        .map(|b| b.by_action.iter().sum::<u64>())
        .sum();
    assert_eq!(by_action, plans.len() as u64);
    // 240 minutes of data: 5-minute buckets keep the chart under 200 bars.
    assert_eq!(r.timeline.bucket_ms, 5 * 60_000);
}

#[test]
fn one_chunk_equals_many_chunks() {
    let (s, _) = store();
    let whole = overview(&s, None);
    let cols = Columns::new(&s);
    let all: Vec<u32> = (0..s.events.len() as u32).collect();
    for parts in [2usize, 3, 7, 50] {
        let size = all.len().div_ceil(parts);
        let mut acc = Overview::default();
        for chunk in all.chunks(size) {
            let mut part = Overview::default();
            for &i in chunk {
                part.add(&s, &cols, i);
            }
            acc.merge(&part);
        }
        assert_eq!(acc.finish(&s, &cols), whole, "{parts} chunks");
    }
}

#[test]
fn facets_count_against_the_other_filters_and_text_searches_everything() {
    let (s, plans) = store();
    let filter = Filter {
        statuses: vec![Status::Failure],
        actions: vec![Action::Create, Action::Update],
        ..Filter::default()
    };
    let q = run(&s, &filter);
    let expected = plans
        .iter()
        .filter(|p| p.status == "failure" && matches!(p.action, "create" | "update"))
        .count();
    assert_eq!(q.matches.len(), expected);
    // The status facet ignores the status filter but honours the action filter.
    let mut by_status: HashMap<&str, u64> = HashMap::new();
    for p in plans
        .iter()
        .filter(|p| matches!(p.action, "create" | "update"))
    {
        *by_status.entry(p.status).or_insert(0) += 1;
    }
    let statuses = q.facets.get(&Facet::Status).cloned().unwrap_or_default();
    assert!(!statuses.is_empty());
    for v in &statuses {
        assert_eq!(
            Some(&v.count),
            by_status.get(v.value.as_str()),
            "{}",
            v.value
        );
    }
    // Every analysis runs on the filtered subset.
    let sub = overview(&s, Some(&q.matches));
    assert_eq!(sub.totals.events, expected as u64);
    assert_eq!(sub.totals.by_status.failure, expected as u64);

    let text = run(
        &s,
        &Filter {
            text: "PERSON3@contoso".into(),
            ..Filter::default()
        },
    );
    assert_eq!(
        text.matches.len(),
        plans.iter().filter(|p| p.person == 3).count()
    );
    let step_text = run(
        &s,
        &Filter {
            text: "from workday".into(),
            ..Filter::default()
        },
    );
    assert_eq!(
        step_text.matches.len(),
        plans.iter().filter(|p| p.source == "Workday").count()
    );
    let value = run(
        &s,
        &Filter {
            text: "finance".into(),
            ..Filter::default()
        },
    );
    assert_eq!(
        value.matches.len(),
        plans.iter().filter(|p| p.attr.is_some()).count()
    );
    // Text no string holds: nothing matches, and the facets count nothing either (every
    // event fails the text filter, which no facet ignores).
    let nothing = run(
        &s,
        &Filter {
            text: "no such text anywhere".into(),
            ..Filter::default()
        },
    );
    assert!(nothing.matches.is_empty());
    assert!(nothing.facets.is_empty(), "{:?}", nothing.facets);
    let systems = run(
        &s,
        &Filter {
            source_systems: vec!["Microsoft Entra ID".into()],
            ..Filter::default()
        },
    );
    assert_eq!(
        systems.matches.len(),
        plans
            .iter()
            .filter(|p| p.source == "Azure Active Directory")
            .count()
    );
    let window = run(
        &s,
        &Filter {
            from_ms: Some(T0 + 40 * 60_000),
            to_ms: Some(T0 + 80 * 60_000),
            ..Filter::default()
        },
    );
    assert_eq!(
        window.matches.len(),
        plans.iter().filter(|p| p.cycle == 1).count()
    );
}

#[test]
fn identity_history_joins_jobs_by_ids_and_upns() {
    let (s, plans) = store();
    for query in ["person-2", "PERSON2@CONTOSO.COM", "Person 2"] {
        let r = identity_report(&s, query);
        assert_eq!(
            r.events.len(),
            plans.iter().filter(|p| p.person == 2).count(),
            "{query}"
        );
        assert_eq!(r.targets.len(), 3, "{query}");
        assert!(r.events.windows(2).all(|w| w[0].time <= w[1].time));
    }
    let r = identity_report(&s, "person-2");
    let last_dropbox = plans
        .iter()
        .filter(|p| p.person == 2 && p.target == "Dropbox")
        .max_by_key(|p| p.minute);
    let state = r.targets.iter().find(|t| t.target_system == "Dropbox");
    assert_eq!(
        state.map(|t| t.last_action.as_str()),
        last_dropbox.map(|p| p.action)
    );
    let dept = r.attributes.get("department").map(Vec::len).unwrap_or(0);
    assert_eq!(
        dept,
        plans
            .iter()
            .filter(|p| p.person == 2 && p.attr.is_some())
            .count()
    );
    assert!(identity_report(&s, "nobody").events.is_empty());
}

#[test]
fn exported_json_reads_back_as_the_same_events() {
    let (s, _) = store();
    let all: Vec<u32> = (0..s.events.len() as u32).collect();
    let mut json = Vec::new();
    provlens::core::view::export_json(&s, &all, &mut json).unwrap_or_default();
    let back = provlens::core::ingest::read_all([("export.json", json.as_slice())]);
    assert_eq!(back.rejected, 0);
    assert_eq!(back.events(), s.events.len());
    let a = overview(&s, None);
    let b = overview(&back.store, None);
    assert_eq!(a.totals, b.totals);
    assert_eq!(a.errors, b.errors);
    assert_eq!(a.jobs.len(), b.jobs.len());
    assert_eq!(a.attributes, b.attributes);
}

#[test]
fn exported_csv_reads_back_and_is_safe_in_spreadsheets() {
    let mut s = store().0;
    s.push(
        &EventDraft {
            time_ms: Some(T0),
            id: "evil".into(),
            change_id: "chg-evil".into(),
            action: "create".into(),
            status: "failure".into(),
            error_reason: "=HYPERLINK(\"http://x\",\"click\")".into(),
            source: IdentityDraft {
                name: "@SUM(A1:A9)".into(),
                ..IdentityDraft::default()
            },
            ..EventDraft::default()
        },
        0,
    );
    let all: Vec<u32> = (0..s.events.len() as u32).collect();
    let mut csv = Vec::new();
    provlens::core::view::export_csv(&s, &all, &mut csv).unwrap_or_default();
    let text = String::from_utf8_lossy(&csv);
    assert!(text.contains("'@SUM(A1:A9)"));
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""));
    assert!(!text.lines().any(|l| l
        .split(',')
        .any(|c| c.starts_with('=') || c.starts_with('@'))));
    let back = provlens::core::ingest::read_all([("export.csv", csv.as_slice())]);
    assert_eq!(back.rejected, 0, "{:?}", back.issues);
    assert_eq!(back.events(), s.events.len());
    assert_eq!(
        overview(&back.store, None).totals,
        overview(&s, None).totals
    );
}
