//! Lifecycle analysis: identity chaining by every key kind and its ambiguity rules on hand-built
//! stores, and latencies and orphans on generated tenants checked against the manifest.

use provlens::core::gen::{generate, write_format, Anomaly, GenConfig, GenFormat, WriteOptions};
use provlens::core::ingest::read_all;
use provlens::core::lifecycle::{
    analyze, IssueKind, LifecycleConfig, LifecycleReport, LinkKey, Measure, Movement, Person,
};
use provlens::core::model::{
    EventDraft, IdentityDraft, ModifiedDraft, StepDraft, Store, SystemDraft,
};

const T0: i64 = 1_700_000_000_000;
const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;

const HR: (&str, &str, &str) = ("Workday2AD.t.1", "Workday", "Active Directory");
const SYNC: (&str, &str, &str) = (
    "AD2AADProvisioning.t.2",
    "Active Directory",
    "Microsoft Entra ID",
);
const APP: (&str, &str, &str) = (
    "DropboxSCIMOutDelta.t.3",
    "Azure Active Directory",
    "Dropbox",
);
const APP2: (&str, &str, &str) = ("salesforce.t.4", "Microsoft Entra ID", "Salesforce");

/// One hand-written event.
#[derive(Clone, Default)]
struct Ev {
    job: (&'static str, &'static str, &'static str),
    minute: i64,
    action: &'static str,
    status: &'static str,
    source_id: &'static str,
    target_id: &'static str,
    name: &'static str,
    upn: &'static str,
    details: Vec<(&'static str, &'static str)>,
    modified: Vec<(&'static str, &'static str)>,
}

fn ev(job: (&'static str, &'static str, &'static str), minute: i64, action: &'static str) -> Ev {
    Ev {
        job,
        minute,
        action,
        status: "success",
        ..Ev::default()
    }
}

impl Ev {
    fn ids(mut self, source: &'static str, target: &'static str) -> Ev {
        self.source_id = source;
        self.target_id = target;
        self
    }
    fn who(mut self, name: &'static str, upn: &'static str) -> Ev {
        self.name = name;
        self.upn = upn;
        self
    }
    fn detail(mut self, k: &'static str, v: &'static str) -> Ev {
        self.details.push((k, v));
        self
    }
    fn set(mut self, k: &'static str, v: &'static str) -> Ev {
        self.modified.push((k, v));
        self
    }
    fn failed(mut self) -> Ev {
        self.status = "failure";
        self
    }
}

fn store(events: &[Ev]) -> Store {
    let mut s = Store::default();
    for (i, e) in events.iter().enumerate() {
        let (job, source, target) = e.job;
        let draft = EventDraft {
            time_ms: Some(T0 + e.minute * MIN),
            id: format!("evt-{i}").into(),
            change_id: format!("chg-{i}").into(),
            job_id: job.into(),
            action: e.action.into(),
            status: e.status.into(),
            source_system: SystemDraft {
                id: "s".into(),
                name: source.into(),
            },
            target_system: SystemDraft {
                id: "t".into(),
                name: target.into(),
            },
            source: IdentityDraft {
                id: e.source_id.into(),
                name: e.name.into(),
                kind: "User".into(),
                upn: e.upn.into(),
            },
            target: IdentityDraft {
                id: e.target_id.into(),
                name: e.name.into(),
                kind: "User".into(),
                upn: "".into(),
            },
            steps: vec![StepDraft {
                name: "EntryImport".into(),
                kind: "import".into(),
                status: "success".into(),
                description: "Retrieved".into(),
                details: e
                    .details
                    .iter()
                    .map(|(k, v)| ((*k).into(), (*v).into()))
                    .collect(),
            }],
            modified: e
                .modified
                .iter()
                .map(|(k, v)| ModifiedDraft {
                    name: (*k).into(),
                    old: "".into(),
                    new: (*v).into(),
                })
                .collect(),
            ..EventDraft::default()
        };
        s.push(&draft, 0);
    }
    s
}

fn report(events: &[Ev]) -> LifecycleReport {
    analyze(&store(events), &LifecycleConfig::default())
}

fn keys(p: &Person) -> Vec<LinkKey> {
    let mut k: Vec<LinkKey> = p.links.iter().map(|l| l.key).collect();
    k.sort();
    k
}

fn measure<'a>(ms: &'a [Measure], person: u32, system: &str) -> Option<&'a Measure> {
    ms.iter().find(|m| m.person == person && m.system == system)
}

#[test]
fn chains_by_target_id_to_source_id() {
    // No UPN, no worker id, and names that differ: only the ids connect the jobs.
    let r = report(&[
        ev(HR, 0, "create").ids("wid-1", "ad-1").who("Ana", ""),
        ev(SYNC, 20, "create")
            .ids("ad-1", "entra-1")
            .who("Ana Silva", ""),
        ev(APP, 50, "create")
            .ids("entra-1", "dbx-1")
            .who("A. Silva", ""),
    ]);
    assert_eq!(r.persons.len(), 1);
    let p = &r.persons[0];
    assert_eq!(keys(p), vec![LinkKey::TargetIdToSourceId; 2]);
    assert_eq!(p.accounts.len(), 3);
    assert!(r.ambiguous.is_empty());
}

#[test]
fn chains_by_worker_id_from_step_details_and_modified_properties() {
    let r = report(&[
        ev(HR, 0, "create")
            .ids("wid-1", "")
            .who("Ana", "")
            .detail("JoiningProperty", "100234"),
        ev(SYNC, 20, "create")
            .ids("ad-77", "entra-1")
            .who("Ana Silva", "")
            .set("employeeId", "100234"),
    ]);
    assert_eq!(r.persons.len(), 1);
    assert_eq!(keys(&r.persons[0]), vec![LinkKey::WorkerId]);
    assert_eq!(r.persons[0].worker_ids, vec!["100234".to_string()]);
}

#[test]
fn chains_by_upn_any_case() {
    let r = report(&[
        ev(SYNC, 0, "create")
            .ids("ad-1", "entra-1")
            .who("Ana", "Ana.Silva@contoso.com"),
        ev(APP, 30, "create")
            .ids("other-1", "dbx-1")
            .who("Silva, Ana", "ana.silva@contoso.com"),
    ]);
    assert_eq!(r.persons.len(), 1);
    assert_eq!(keys(&r.persons[0]), vec![LinkKey::Upn]);
}

#[test]
fn chains_by_display_name_only_when_unique_on_both_sides() {
    let r = report(&[
        ev(HR, 0, "create").ids("wid-1", "").who("Imani Okoro", ""),
        ev(APP, 30, "create")
            .ids("x-1", "dbx-1")
            .who("Imani Okoro", ""),
    ]);
    assert_eq!(r.persons.len(), 1);
    assert_eq!(keys(&r.persons[0]), vec![LinkKey::DisplayName]);
}

#[test]
fn two_people_sharing_a_display_name_are_not_merged() {
    // Two HR workers named Alex Kim, and an app account that only carries the name.
    let r = report(&[
        ev(HR, 0, "create").ids("wid-1", "").who("Alex Kim", ""),
        ev(HR, 5, "create").ids("wid-2", "").who("Alex Kim", ""),
        ev(APP, 30, "create")
            .ids("x-1", "dbx-1")
            .who("Alex Kim", ""),
    ]);
    assert_eq!(r.persons.len(), 3, "nothing merged");
    assert!(r.persons.iter().all(|p| p.links.is_empty()));
    assert_eq!(r.ambiguous.len(), 1);
    let a = &r.ambiguous[0];
    assert_eq!(a.key, LinkKey::DisplayName);
    assert_eq!(a.accounts.len(), 3);
}

#[test]
fn a_shared_name_between_two_identified_chains_is_no_link_at_all() {
    let r = report(&[
        ev(SYNC, 0, "create")
            .ids("ad-1", "e-1")
            .who("Alex Kim", "alex.kim@contoso.com"),
        ev(APP, 30, "create")
            .ids("e-2", "d-2")
            .who("Alex Kim", "alex.kim2@contoso.com"),
    ]);
    assert_eq!(r.persons.len(), 2);
    assert!(r.ambiguous.is_empty());
}

#[test]
fn one_worker_id_on_two_hr_workers_is_ambiguous_not_merged() {
    let r = report(&[
        ev(HR, 0, "create")
            .ids("wid-1", "ad-1")
            .who("Ana Silva", "")
            .detail("JoiningProperty", "100234"),
        ev(HR, 5, "create")
            .ids("wid-2", "ad-2")
            .who("Bo Chen", "")
            .detail("JoiningProperty", "100234"),
    ]);
    assert_eq!(r.persons.len(), 2);
    assert_eq!(r.ambiguous.len(), 1);
    assert_eq!(r.ambiguous[0].key, LinkKey::WorkerId);
}

/// A joiner, later a mover and a leaver, through HR → AD → Entra → two apps.
fn journey() -> Vec<Ev> {
    let who = |e: Ev| e.who("Ana Silva", "ana@contoso.com");
    vec![
        who(ev(HR, 0, "create").ids("wid-1", "ad-1")),
        who(ev(SYNC, 20, "create").ids("ad-1", "e-1").failed()),
        who(ev(SYNC, 60, "create").ids("ad-1", "e-1")),
        who(ev(APP, 100, "create").ids("e-1", "d-1")),
        who(ev(APP2, 130, "create").ids("e-1", "s-1")),
        // Mover: HR says title, Entra says jobTitle, Salesforce says Title; Dropbox never.
        who(ev(HR, 1000, "update")
            .ids("wid-1", "ad-1")
            .set("title", "Director")),
        who(ev(SYNC, 1030, "update")
            .ids("ad-1", "e-1")
            .set("jobTitle", "Director")),
        who(ev(APP2, 1075, "update")
            .ids("e-1", "s-1")
            .set("Title", "Director")),
        // Leaver: cloud sync reports the disable as an update of accountEnabled.
        who(ev(HR, 2000, "disable")
            .ids("wid-1", "ad-1")
            .set("accountDisabled", "True")),
        who(ev(SYNC, 2025, "update")
            .ids("ad-1", "e-1")
            .set("accountEnabled", "False")),
        who(ev(APP2, 2090, "disable").ids("e-1", "s-1")),
        // Something else happens much later, which sets the end of the data.
        ev(APP, 2000 + 24 * 60, "update")
            .ids("zz", "zz")
            .who("Else", "else@contoso.com"),
    ]
}

#[test]
fn joiner_mover_and_leaver_latencies_on_a_hand_built_journey() {
    let r = report(&journey());
    let ana = r.find_persons("ana@contoso.com");
    assert_eq!(ana.len(), 1);
    let id = ana[0].id;
    let lat = |ms: &[Measure], sys: &str| measure(ms, id, sys).map(|m| m.latency_ms);
    assert_eq!(lat(&r.joiners.completed, "Active Directory"), Some(0));
    assert_eq!(
        lat(&r.joiners.completed, "Microsoft Entra ID"),
        Some(60 * MIN)
    );
    assert_eq!(lat(&r.joiners.completed, "Dropbox"), Some(100 * MIN));
    assert_eq!(lat(&r.joiners.completed, "Salesforce"), Some(130 * MIN));
    assert_eq!(
        lat(&r.movers.completed, "Microsoft Entra ID"),
        Some(30 * MIN)
    );
    assert_eq!(lat(&r.movers.completed, "Salesforce"), Some(75 * MIN));
    let stuck = measure(&r.movers.open, id, "Dropbox").map(|m| (m.latency_ms, m.movement));
    assert_eq!(stuck, Some(((2000 + 1440 - 1000) * MIN, Movement::Mover)));
    assert_eq!(
        lat(&r.leavers.completed, "Microsoft Entra ID"),
        Some(25 * MIN)
    );
    assert_eq!(lat(&r.leavers.completed, "Salesforce"), Some(90 * MIN));
    // Dropbox was never disabled: orphaned access, with the system named.
    assert_eq!(r.orphans.len(), 1);
    assert_eq!(r.orphans[0].person, id);
    assert_eq!(r.orphans[0].systems, vec!["Dropbox".to_string()]);
    assert_eq!(r.orphans[0].latency_ms, 24 * HOUR);
    // Breaches: the Salesforce disable (90 min > 1 h) and the title that never reached Dropbox.
    let mut kinds: Vec<(IssueKind, Vec<String>)> = r
        .breaches
        .iter()
        .map(|b| (b.kind, b.systems.clone()))
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec![
            (IssueKind::LeaverSla, vec!["Salesforce".to_string()]),
            (IssueKind::MoverSla, vec!["Dropbox".to_string()]),
        ]
    );
}

#[test]
fn a_recent_leaver_is_pending_not_orphaned() {
    let mut events = journey();
    events.pop();
    let r = report(&events);
    // The end of the data is now the Salesforce disable, 90 min after HR: past the default
    // 1 h leaver SLA, Dropbox is orphaned; under a 2 h SLA it is still being deprovisioned.
    let config = LifecycleConfig {
        leaver_sla_ms: 2 * HOUR,
        ..LifecycleConfig::default()
    };
    let relaxed = analyze(&store(&events), &config);
    assert_eq!(r.orphans.len(), 1);
    assert!(relaxed.orphans.is_empty());
    assert_eq!(relaxed.pending_deprovisioning.len(), 1);
    assert_eq!(relaxed.pending_deprovisioning[0].system, "Dropbox");
}

// Generated tenants.

fn generated(seed: u64, anomalies: Vec<Anomaly>) -> (provlens::core::gen::Generated, Store) {
    let g = generate(&GenConfig {
        seed,
        events: 6_000,
        anomalies,
        ..GenConfig::default()
    });
    let files = write_format(GenFormat::PortalJson, &g.events, &WriteOptions::default());
    let data = read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    assert_eq!(data.rejected, 0);
    (g, data.store)
}

fn lifecycle_anomalies() -> Vec<Anomaly> {
    Anomaly::LIFECYCLE_NAMES
        .iter()
        .filter_map(|n| Anomaly::named(n))
        .collect()
}

#[test]
fn planted_chains_are_measured_exactly() {
    for seed in [3, 11] {
        let (g, store) = generated(seed, lifecycle_anomalies());
        let r = analyze(&store, &LifecycleConfig::default());
        let mut orphans_expected = Vec::new();
        for planted in &g.truth.planted {
            assert!(!planted.chains.is_empty(), "{}", planted.anomaly.name());
            for chain in &planted.chains {
                let found = r.find_persons(&chain.upn);
                assert_eq!(found.len(), 1, "{} is one person", chain.upn);
                let id = found[0].id;
                assert!(
                    found[0].worker_ids.contains(&chain.worker_id),
                    "{}",
                    chain.upn
                );
                let Some(up) = chain.upstream_ms else {
                    panic!("{}: the HR event exists", chain.upn);
                };
                let list = match chain.movement.as_str() {
                    "joiner" => &r.joiners,
                    "leaver" => &r.leavers,
                    _ => &r.movers,
                };
                let mut missing = Vec::new();
                for hop in &chain.hops {
                    match hop.time_ms {
                        Some(t) => {
                            let m = measure(&list.completed, id, &hop.system);
                            assert_eq!(
                                m.map(|m| m.latency_ms),
                                Some(t - up),
                                "{} {} {}",
                                chain.movement,
                                chain.upn,
                                hop.system
                            );
                        }
                        None => {
                            missing.push(hop.system.clone());
                            let m = measure(&list.open, id, &hop.system);
                            let end = r.end_ms.unwrap_or(0);
                            assert_eq!(m.map(|m| m.latency_ms), Some(end - up), "{}", hop.system);
                        }
                    }
                }
                match &planted.anomaly {
                    Anomaly::SlowJoiner { hours, .. } => {
                        let slow = chain.hops.iter().filter_map(|h| h.time_ms).max();
                        assert!(slow.is_some_and(|t| t - up >= i64::from(*hours) * HOUR));
                        let breach = r.breaches.iter().find(|b| b.person == id);
                        assert_eq!(breach.map(|b| b.kind), Some(IssueKind::JoinerSla));
                    }
                    Anomaly::OrphanedAccess { .. } => {
                        assert_eq!(missing, vec!["Dropbox".to_string()]);
                        orphans_expected.push((id, missing.clone()));
                    }
                    Anomaly::StalledMover { .. } => {
                        assert_eq!(chain.hops.iter().filter(|h| h.time_ms.is_some()).count(), 1);
                        let mut open: Vec<String> = r
                            .movers
                            .open
                            .iter()
                            .filter(|m| m.person == id)
                            .map(|m| m.system.clone())
                            .collect();
                        open.sort();
                        missing.sort();
                        assert_eq!(open, missing);
                    }
                    _ => assert!(missing.is_empty(), "on time everywhere"),
                }
            }
        }
        let orphans: Vec<(u32, Vec<String>)> = r
            .orphans
            .iter()
            .map(|o| (o.person, o.systems.clone()))
            .collect();
        assert_eq!(
            orphans, orphans_expected,
            "seed {seed}: exactly the planted orphans"
        );
    }
}

#[test]
fn a_clean_tenant_has_no_orphans_and_no_unexplained_breaches() {
    for seed in [1, 5, 8] {
        let (g, store) = generated(seed, Vec::new());
        let r = analyze(&store, &LifecycleConfig::default());
        assert!(r.orphans.is_empty(), "seed {seed}: {:?}", r.orphans);
        assert!(r.ambiguous.is_empty(), "seed {seed}");
        assert!(r.joiners.followed > 10 && r.leavers.followed > 5 && r.movers.followed > 20);
        // Every job runs on a 40-minute cycle, so a change takes up to two cycles to reach an
        // app; only a failed attempt (retried a cycle later) can push it past an SLA. Each
        // breach must therefore have a failed event of that person inside its window.
        for b in &r.breaches {
            assert_eq!(b.kind, IssueKind::LeaverSla, "seed {seed}: {}", b.title);
            let times: Vec<i64> = b
                .evidence
                .iter()
                .filter_map(|e| store.events.get(e.event as usize)?.time_ms)
                .collect();
            let (from, to) = (times[0], times[1]);
            let upns = &r.persons[b.person as usize].upns;
            let failed = g.events.iter().any(|e| {
                e.status == provlens::core::model::Status::Failure
                    && e.time_ms >= from
                    && e.time_ms <= to
                    && (upns.contains(&e.source.upn.to_lowercase())
                        || upns.contains(&e.target.upn.to_lowercase()))
            });
            assert!(failed, "seed {seed}: unexplained breach {}", b.title);
        }
        // With an SLA that allows one retry, the clean tenant has no breach at all.
        let relaxed = LifecycleConfig {
            leaver_sla_ms: 2 * HOUR,
            ..LifecycleConfig::default()
        };
        let r = analyze(&store, &relaxed);
        assert!(
            r.breaches.is_empty(),
            "seed {seed}: {:?}",
            r.breaches.first()
        );
        assert!(r.orphans.is_empty());
    }
}

#[test]
fn the_report_is_deterministic_and_serializes() {
    let (_, store) = generated(3, lifecycle_anomalies());
    let a = analyze(&store, &LifecycleConfig::default());
    let b = analyze(&store, &LifecycleConfig::default());
    assert_eq!(a, b);
    let json = serde_json::to_string(&a).unwrap_or_default();
    let back: LifecycleReport = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(back, a);
}

// The app's lifecycle requests: the overview, a person's swimlane and the person search.

use provlens::core::findings::{FindingKind, FindingsConfig};
use provlens::core::gen::{demo_files, JobKind, PlantedChain};
use provlens::core::lifecycle::view::{
    self as lifecycle_view, LifecycleOverview, PersonMatches, Swimlane, MAX_LANE_ENTRIES, MAX_ROWS,
};
use provlens::core::session::{Request, Response, Session};

fn session_of(files: &[(String, Vec<u8>)]) -> Session {
    Session::new(read_all(
        files.iter().map(|(n, b)| (n.as_str(), b.as_slice())),
    ))
}

fn generated_session(config: GenConfig) -> (provlens::core::gen::Generated, Session) {
    let g = generate(&config);
    let files = write_format(GenFormat::PortalJson, &g.events, &WriteOptions::default());
    (g, session_of(&files))
}

/// A tenant with every lifecycle chain planted.
fn planted_session(seed: u64) -> (provlens::core::gen::Generated, Session) {
    generated_session(GenConfig {
        seed,
        events: 6_000,
        anomalies: lifecycle_anomalies(),
        ..GenConfig::default()
    })
}

fn ask_overview(s: &mut Session, config: &LifecycleConfig) -> LifecycleOverview {
    match s.handle(Request::Lifecycle(Box::new(config.clone()))) {
        Response::Lifecycle(o) => *o,
        other => panic!("expected the lifecycle overview, got {other:?}"),
    }
}

fn ask_person(s: &mut Session, config: &LifecycleConfig, person: u32) -> Option<Swimlane> {
    match s.handle(Request::Person {
        config: Box::new(config.clone()),
        person,
    }) {
        Response::Person {
            person: p,
            swimlane,
        } => {
            assert_eq!(p, person, "the answer names the person asked for");
            swimlane.map(|b| *b)
        }
        other => panic!("expected a swimlane, got {other:?}"),
    }
}

fn ask_find(s: &mut Session, config: &LifecycleConfig, text: &str) -> PersonMatches {
    match s.handle(Request::FindPersons {
        config: Box::new(config.clone()),
        text: text.to_string(),
    }) {
        Response::Persons(m) => *m,
        other => panic!("expected persons, got {other:?}"),
    }
}

/// The one person a planted chain's UPN finds.
fn planted_person(s: &mut Session, config: &LifecycleConfig, upn: &str) -> u32 {
    let found = ask_find(s, config, upn);
    assert_eq!(found.total, 1, "{upn}: {found:?}");
    assert_eq!(found.persons.len(), 1);
    found.persons[0].person
}

fn chain_of(g: &provlens::core::gen::Generated, anomaly: &str) -> PlantedChain {
    g.truth
        .planted
        .iter()
        .find(|p| p.anomaly.name() == anomaly)
        .and_then(|p| p.chains.first().cloned())
        .unwrap_or_else(|| panic!("{anomaly} was planted"))
}

#[test]
fn the_overview_lists_the_planted_slow_joiner_orphan_and_stalled_mover() {
    let (g, mut s) = planted_session(3);
    let config = LifecycleConfig::default();
    let o = ask_overview(&mut s, &config);
    assert!(o.persons > 100 && o.links > o.persons, "{o:?}");
    assert!(o.jobs >= 4 && o.chained > 0);
    assert_eq!(o.joiner_sla_ms, config.joiner_sla_ms);
    assert!(o.joiners > 0 && o.leavers > 0 && o.movers > 0);
    assert!(o.end.starts_with("20"));
    for row in o.joiner_latency.iter().chain(&o.leaver_latency) {
        assert!(
            row.median_ms <= row.p90_ms && row.p90_ms <= row.max_ms,
            "{row:?}"
        );
    }

    // The slow joiner is the slowest, in the system it was planted in, over the SLA.
    let slow = chain_of(&g, "slow-joiner");
    let slow_id = planted_person(&mut s, &config, &slow.upn);
    let first = &o.slowest_joiners[0];
    assert_eq!(
        (first.person, first.system.as_str()),
        (slow_id, "Salesforce")
    );
    assert!(first.latency_ms >= 30 * HOUR && first.over_sla);
    assert_eq!(first.name, slow.display_name);
    let salesforce = o.joiner_latency.iter().find(|r| r.system == "Salesforce");
    assert!(salesforce.is_some_and(|r| r.over_sla >= 1 && r.max_ms == first.latency_ms));

    // The orphan: exactly the planted leaver, still enabled in Dropbox.
    let orphan = chain_of(&g, "orphaned-access");
    let orphan_id = planted_person(&mut s, &config, &orphan.upn);
    assert_eq!(o.orphans_total, 1);
    assert_eq!(o.orphans[0].person, orphan_id);
    assert_eq!(o.orphans[0].system, "Dropbox");
    assert!(o.orphans[0].latency_ms > config.leaver_sla_ms);
    assert!(o.orphans[0].at.starts_with("20"));

    // The stalled mover's change never reached the systems after cloud sync.
    let mover = chain_of(&g, "stalled-mover");
    let mover_id = planted_person(&mut s, &config, &mover.upn);
    let stalled: Vec<_> = o
        .stalled_movers
        .iter()
        .filter(|m| m.person == mover_id)
        .collect();
    assert!(!stalled.is_empty());
    assert!(stalled.iter().all(|m| m.note.contains(" → ") && m.over_sla));

    // The view agrees with the findings made with the same settings.
    let Response::Findings(items) = s.handle(Request::Findings(Box::default())) else {
        panic!("expected findings");
    };
    assert_eq!(FindingsConfig::default().lifecycle, config);
    let kind = |k: FindingKind| items.iter().filter(|i| i.finding.kind == k).count() as u32;
    // Orphans are grouped by the systems they are still enabled in; the one planted orphan
    // is one finding.
    assert_eq!(kind(FindingKind::OrphanedAccess), o.orphans_total);
    assert_eq!(o.orphans_total, 1);
    assert_eq!(kind(FindingKind::LifecycleSla), o.breaches);
}

#[test]
fn overview_lists_are_capped_with_their_totals() {
    // A 1 ms SLA makes every delayed change a breach: far more than one page of rows.
    let (_, mut s) = planted_session(11);
    let config = LifecycleConfig {
        joiner_sla_ms: 1,
        leaver_sla_ms: 1,
        mover_sla_ms: 1,
        ..LifecycleConfig::default()
    };
    let o = ask_overview(&mut s, &config);
    assert_eq!(o.joiner_sla_ms, 1);
    assert!(o.slowest_joiners_total as usize > MAX_ROWS);
    assert!(o.slowest_joiners.iter().all(|r| r.over_sla));
    for (shown, total) in [
        (o.slowest_joiners.len(), o.slowest_joiners_total),
        (o.slowest_leavers.len(), o.slowest_leavers_total),
        (o.never_created.len(), o.never_created_total),
        (o.orphans.len(), o.orphans_total),
        (o.stalled_movers.len(), o.stalled_movers_total),
        (o.ambiguous.len(), o.ambiguous_total),
    ] {
        assert_eq!(shown, (total as usize).min(MAX_ROWS), "{shown} of {total}");
    }
    let latencies: Vec<i64> = o.slowest_joiners.iter().map(|m| m.latency_ms).collect();
    let mut sorted = latencies.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(latencies, sorted, "slowest first");
    // Asked again with the default settings, the answer follows the settings.
    let default = ask_overview(&mut s, &LifecycleConfig::default());
    assert!(default.breaches < o.breaches);
    assert!(!default.slowest_joiners.iter().all(|r| r.over_sla));
}

#[test]
fn a_persons_swimlane_has_a_lane_per_system_upstream_first_and_its_latencies() {
    let (g, mut s) = planted_session(3);
    let config = LifecycleConfig::default();
    let orphan = chain_of(&g, "orphaned-access");
    let id = planted_person(&mut s, &config, &orphan.upn);
    let Some(lane) = ask_person(&mut s, &config, id) else {
        panic!("the orphan has a swimlane");
    };
    assert_eq!(lane.person, id);
    assert!(lane.upns.contains(&orphan.upn.to_lowercase()));
    assert!(lane.worker_ids.contains(&orphan.worker_id));
    // HR (the source) first, then every system the planted chain reached.
    assert!(lane.lanes[0].source && lane.lanes[0].state == "HR source");
    assert_eq!(lane.lanes[0].system, orphan.upstream_system);
    for hop in &orphan.hops {
        assert!(
            lane.lanes.iter().any(|l| l.system == hop.system),
            "{} has a lane",
            hop.system
        );
    }
    let Some(dropbox) = lane.lanes.iter().position(|l| l.system == "Dropbox") else {
        panic!("a Dropbox lane");
    };
    assert_eq!(lane.lanes[dropbox].state, "enabled at the end");
    // Every entry names its event as logged, in time order within its lane.
    let store = &s.data().store;
    for l in &lane.lanes {
        assert!(!l.entries.is_empty());
        for e in &l.entries {
            let logged = store.events.get(e.event as usize).map(|x| store.str(x.id));
            assert_eq!(logged, Some(e.event_id.as_str()));
        }
        let times: Vec<Option<i64>> = l.entries.iter().map(|e| e.time_ms).collect();
        let mut sorted = times.clone();
        sorted.sort();
        assert_eq!(times, sorted);
    }
    assert!(lane
        .lanes
        .iter()
        .flat_map(|l| &l.entries)
        .any(|e| e.op == "disable" && e.status == "success"));
    // The upstream disable never reached Dropbox; the joiner's creates did arrive.
    let leaver = lane
        .measures
        .iter()
        .find(|m| m.text.starts_with("leaver into Dropbox: never arrived"));
    assert!(leaver.is_some_and(|m| {
        m.downstream_event.is_none() && m.over_sla && m.lane as usize == dropbox
    }));
    assert!(lane
        .measures
        .iter()
        .any(|m| m.text.starts_with("joiner into ") && m.downstream_event.is_some()));
    // Each change points at the target lane of its system, and every event a latency starts
    // or ends at is drawn; the axis spans them.
    let drawn = |event: u32| {
        lane.lanes
            .iter()
            .flat_map(|l| &l.entries)
            .any(|e| e.event == event)
    };
    for m in &lane.measures {
        let target = &lane.lanes[m.lane as usize];
        assert!(!target.source);
        assert!(
            m.text.contains(&format!(" into {}: ", target.system)),
            "{}",
            m.text
        );
        assert!(drawn(m.upstream_event));
        assert!(m.downstream_event.is_none_or(drawn));
    }
    assert!(lane.first_ms < lane.last_ms);
    // Joined accounts name the key that joined them; none is ambiguous in this tenant.
    assert!(!lane.links.is_empty());
    assert!(lane
        .links
        .iter()
        .all(|l| l.ambiguous.is_empty() && l.from.contains(" → ") && !l.key.is_empty()));
    assert_eq!(lane.omitted, 0);

    // A person index from another data set is answered with nothing, not a panic.
    assert_eq!(ask_person(&mut s, &config, u32::MAX), None);
}

#[test]
fn person_search_matches_names_upns_and_worker_ids() {
    let (g, mut s) = planted_session(3);
    let config = LifecycleConfig::default();
    let slow = chain_of(&g, "slow-joiner");
    let by_upn = planted_person(&mut s, &config, &slow.upn.to_uppercase());
    let by_worker = ask_find(&mut s, &config, &slow.worker_id);
    assert_eq!(by_worker.persons.first().map(|p| p.person), Some(by_upn));
    let by_name = ask_find(&mut s, &config, &slow.display_name);
    assert!(by_name.persons.iter().any(|p| p.person == by_upn));
    let hit = &by_worker.persons[0];
    assert_eq!(hit.name, slow.display_name);
    assert!(hit.note.contains(&slow.upn.to_lowercase()), "{}", hit.note);
    assert!(hit.system.ends_with("systems"), "{}", hit.system);
    // A common substring finds many, capped, with the total.
    let many = ask_find(&mut s, &config, "e");
    assert!(many.total as usize > many.persons.len());
    assert_eq!(many.persons.len(), lifecycle_view::MAX_MATCHES);
    assert_eq!(ask_find(&mut s, &config, "  ").total, 0);
    assert_eq!(ask_find(&mut s, &config, "nobody@nowhere.invalid").total, 0);
}

#[test]
fn a_single_job_export_has_no_cross_system_chains() {
    let (_, mut s) = generated_session(GenConfig {
        seed: 4,
        events: 2_000,
        jobs: vec![JobKind::Dropbox],
        ..GenConfig::default()
    });
    let o = ask_overview(&mut s, &LifecycleConfig::default());
    assert!(o.persons > 0);
    assert_eq!((o.jobs, o.chained, o.links), (1, 0, 0));
    assert!(o.orphans.is_empty() && o.slowest_joiners.is_empty());
}

#[test]
fn a_long_lane_is_capped_but_keeps_the_events_a_latency_uses() {
    let who = |e: Ev| e.who("Ana Silva", "ana@contoso.com");
    let mut events = vec![
        who(ev(HR, 0, "create").ids("wid-1", "ad-1")),
        who(ev(APP, 30, "create").ids("ad-1", "d-1")),
    ];
    let updates = MAX_LANE_ENTRIES + 40;
    for k in 0..updates {
        events.push(who(ev(HR, 60 + k as i64, "update")
            .ids("wid-1", "ad-1")
            .set("telephoneNumber", "1")));
    }
    let late = 60 + updates as i64 + 100;
    events.push(who(ev(HR, late, "disable").ids("wid-1", "ad-1")));
    events.push(who(ev(APP, late + 20, "disable").ids("ad-1", "d-1")));
    let s = store(&events);
    let r = analyze(&s, &LifecycleConfig::default());
    let id = r.find_persons("ana@contoso.com")[0].id;
    let Some(lane) = lifecycle_view::swimlane(&s, &r, id) else {
        panic!("a swimlane");
    };
    let Some(hr) = lane.lanes.iter().find(|l| l.source) else {
        panic!("an HR lane");
    };
    // The HR job's events are in the source lane and the Active Directory lane: both capped.
    assert!(hr.entries.len() <= MAX_LANE_ENTRIES + 2);
    assert!(lane.omitted > 0);
    let leaver = lane
        .measures
        .iter()
        .find(|m| m.text.starts_with("leaver into Dropbox:"));
    let Some(leaver) = leaver else {
        panic!("the leaver is measured");
    };
    assert_eq!(leaver.text, "leaver into Dropbox: 20 min");
    assert!(hr.entries.iter().any(|e| e.event == leaver.upstream_event));
    let dropbox = &lane.lanes[leaver.lane as usize];
    assert!(dropbox
        .entries
        .iter()
        .any(|e| Some(e.event) == leaver.downstream_event));
}

#[test]
fn the_demo_data_holds_lifecycle_chains() {
    let mut s = session_of(&demo_files());
    let o = ask_overview(&mut s, &LifecycleConfig::default());
    assert_eq!(o.orphans_total, 1, "the demo plants one orphan");
    assert!(o
        .slowest_joiners
        .first()
        .is_some_and(|m| m.latency_ms >= 30 * HOUR && m.system == "Salesforce"));
    assert!(o.stalled_movers_total > 0);
    assert!(o.chained > 0 && o.jobs >= 4);
}
