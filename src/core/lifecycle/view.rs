//! What the app's lifecycle view shows: an overview that stays small however many persons the
//! data holds (per-system latency distributions, counts and the first rows of each list), one
//! person's swimlane on request, and a person search.

use serde::{Deserialize, Serialize};

use super::{
    AccountRef, AmbiguousAccount, IssueKind, LaneRole, LifecycleOp, LifecycleReport, LinkKey,
    Measure, Movement, MovementReport, Person, Severity, SystemLatency,
};
use crate::core::model::{Status, Store};

/// Most rows per list in the overview; each list also says how many there are in all.
pub const MAX_ROWS: usize = 50;
/// Most entries drawn per lane; entries that a latency starts or ends at are always kept.
pub const MAX_LANE_ENTRIES: usize = 300;
/// Most persons one search returns.
pub const MAX_MATCHES: usize = 50;
/// Most accounts listed per ambiguous link.
const MAX_AMBIGUOUS_ACCOUNTS: usize = 10;

/// One movement's latency into one system.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatencyRow {
    pub system: String,
    /// Completed changes.
    pub count: u32,
    pub median_ms: i64,
    pub p90_ms: i64,
    pub max_ms: i64,
    /// Completed changes slower than the SLA.
    pub over_sla: u32,
    /// Changes that had not arrived by the end of the data.
    pub open: u32,
}

/// One change followed into one system, as a table row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureRow {
    pub person: u32,
    pub name: String,
    pub system: String,
    /// How long it took, or for a change that never arrived, how long since the upstream change.
    pub latency_ms: i64,
    /// When the change happened upstream (ISO 8601).
    pub upstream: String,
    /// For movers: "department → Sales".
    pub change: Option<String>,
}

/// A leaver with accounts still enabled downstream after the leaver SLA.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrphanRow {
    pub person: u32,
    pub name: String,
    /// The systems where the account is still enabled.
    pub systems: Vec<String>,
    /// Time since the person was disabled upstream (to the end of the data).
    pub since_ms: i64,
    /// When the person was disabled upstream (ISO 8601).
    pub disabled: String,
}

/// One SLA breach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachRow {
    pub person: u32,
    pub kind: IssueKind,
    pub severity: Severity,
    pub title: String,
}

/// A key that would have joined accounts that cannot be one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmbiguousRow {
    pub key: LinkKey,
    pub value: String,
    pub reason: String,
    pub accounts: Vec<AmbiguousAccount>,
}

/// The lifecycle view's overview.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LifecycleOverview {
    /// The time of the last event: "now" for changes that never arrived.
    pub end: Option<String>,
    pub persons: u32,
    /// Joins between two accounts of one person.
    pub links: u32,
    /// Jobs the persons' accounts are in.
    pub jobs: u32,
    /// Persons with accounts in at least two jobs.
    pub chained: u32,
    pub joiner_sla_ms: i64,
    pub leaver_sla_ms: i64,
    pub mover_sla_ms: i64,
    /// Joiners and leavers followed (persons), movers followed (attribute changes).
    pub joiners: u32,
    pub leavers: u32,
    pub movers: u32,
    pub joiner_latency: Vec<LatencyRow>,
    pub leaver_latency: Vec<LatencyRow>,
    /// The slowest completed joiners and leavers, slowest first (latency above zero).
    pub slowest_joiners: Vec<MeasureRow>,
    pub slowest_joiners_total: u32,
    pub slowest_leavers: Vec<MeasureRow>,
    pub slowest_leavers_total: u32,
    /// Joiners whose account was attempted but never created, longest-waiting first.
    pub never_created: Vec<MeasureRow>,
    pub never_created_total: u32,
    pub orphans: Vec<OrphanRow>,
    pub orphans_total: u32,
    /// Leavers still enabled downstream but within the leaver SLA.
    pub pending_deprovisioning: u32,
    /// Attribute changes that never reached a system, longest-waiting first.
    pub stalled_movers: Vec<MeasureRow>,
    pub stalled_movers_total: u32,
    pub breaches: Vec<BreachRow>,
    pub breaches_total: u32,
    pub ambiguous: Vec<AmbiguousRow>,
    pub ambiguous_total: u32,
}

/// One event in a swimlane.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwimEntry {
    /// Index of the event in the data set (what the detail drawer opens).
    pub event: u32,
    /// The event's id as logged.
    pub event_id: String,
    pub time: Option<String>,
    pub time_ms: Option<i64>,
    pub op: LifecycleOp,
    pub status: Status,
    pub error_code: String,
}

/// One system's events for the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwimLane {
    pub system: String,
    pub role: LaneRole,
    /// Whether the account is enabled at the end of the data, when the events tell.
    pub enabled_at_end: Option<bool>,
    pub entries: Vec<SwimEntry>,
}

/// How two of the person's accounts were joined, or a key that would have joined this person
/// to another and was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwimLink {
    pub key: LinkKey,
    pub value: String,
    /// "Workday → Active Directory"
    pub from: String,
    pub to: String,
    /// Why the link was refused, for an ambiguous key.
    pub ambiguous: Option<String>,
}

/// One change followed from upstream into one system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwimMeasure {
    pub movement: Movement,
    pub system: String,
    pub upstream_event: u32,
    /// `None`: the change never arrived.
    pub downstream_event: Option<u32>,
    pub latency_ms: i64,
    pub sla_ms: i64,
    /// For movers: "department → Sales".
    pub change: Option<String>,
}

impl SwimMeasure {
    /// Whether the change took, or has been waiting, longer than its SLA.
    pub fn over_sla(&self) -> bool {
        self.latency_ms > self.sla_ms
    }
}

/// One person across systems: a lane per system, the joins, the changes followed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swimlane {
    pub person: u32,
    pub name: String,
    pub upns: Vec<String>,
    pub worker_ids: Vec<String>,
    /// The shared time axis: the first event, and the last event or the end of the data when
    /// a change is still open.
    pub first_ms: i64,
    pub last_ms: i64,
    /// Source (HR) lanes first, then by flow order: HR inbound, cloud sync, apps.
    pub lanes: Vec<SwimLane>,
    pub links: Vec<SwimLink>,
    pub measures: Vec<SwimMeasure>,
    /// Entries not sent because a lane held more than [`MAX_LANE_ENTRIES`].
    pub omitted: u32,
}

/// A person found by a search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub person: u32,
    pub name: String,
    /// "ellie@contoso.com · worker 21034 · 4 systems"
    pub detail: String,
}

/// The answer to a person search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonMatches {
    pub text: String,
    pub persons: Vec<PersonRef>,
    pub total: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn latency_rows(m: &MovementReport) -> Vec<LatencyRow> {
    m.by_system
        .iter()
        .map(|s: &SystemLatency| LatencyRow {
            system: s.system.clone(),
            count: count(s.count),
            median_ms: s.median_ms,
            p90_ms: s.p90_ms,
            max_ms: s.max_ms,
            over_sla: count(s.over_sla),
            open: count(s.open),
        })
        .collect()
}

fn change(m: &Measure) -> Option<String> {
    m.attribute
        .as_ref()
        .map(|a| format!("{a} → {}", m.value.as_deref().unwrap_or("")))
}

fn measure_row(store: &Store, m: &Measure) -> MeasureRow {
    MeasureRow {
        person: m.person,
        name: m.person_name.clone(),
        system: m.system.clone(),
        latency_ms: m.latency_ms,
        upstream: event_time(store, m.upstream_event),
        change: change(m),
    }
}

fn event_time(store: &Store, event: u32) -> String {
    store
        .events
        .get(event as usize)
        .and_then(|e| e.time_ms)
        .map(crate::core::time::format_iso)
        .unwrap_or_default()
}

/// The first [`MAX_ROWS`] of `measures` as rows, and how many there are in all.
fn rows<'a>(store: &Store, measures: impl Iterator<Item = &'a Measure>) -> (Vec<MeasureRow>, u32) {
    let mut total = 0;
    let mut out = Vec::new();
    for m in measures {
        total += 1;
        if out.len() < MAX_ROWS {
            out.push(measure_row(store, m));
        }
    }
    (out, total)
}

/// The slowest completed changes first (latency above zero: the HR job's own target is the
/// same event as the upstream change).
fn slowest(store: &Store, m: &MovementReport) -> (Vec<MeasureRow>, u32) {
    let mut done: Vec<&Measure> = m.completed.iter().filter(|x| x.latency_ms > 0).collect();
    done.sort_by(|a, b| {
        (b.latency_ms, a.person, &a.system).cmp(&(a.latency_ms, b.person, &b.system))
    });
    rows(store, done.into_iter())
}

/// The overview of a lifecycle report.
pub fn overview(store: &Store, r: &LifecycleReport) -> LifecycleOverview {
    let mut jobs: Vec<&str> = r
        .persons
        .iter()
        .flat_map(|p| p.accounts.iter().map(|a| a.job_id.as_str()))
        .collect();
    jobs.sort_unstable();
    jobs.dedup();
    let chained = r
        .persons
        .iter()
        .filter(|p| {
            p.accounts
                .first()
                .is_some_and(|a| p.accounts.iter().any(|b| b.job_id != a.job_id))
        })
        .count();
    let links: usize = r.persons.iter().map(|p| p.links.len()).sum();
    let (slowest_joiners, slowest_joiners_total) = slowest(store, &r.joiners);
    let (slowest_leavers, slowest_leavers_total) = slowest(store, &r.leavers);
    let (never_created, never_created_total) = rows(store, r.joiners.open.iter());
    let (stalled_movers, stalled_movers_total) = rows(store, r.movers.open.iter());
    let orphans = r
        .orphans
        .iter()
        .take(MAX_ROWS)
        .map(|o| OrphanRow {
            person: o.person,
            name: o.person_name.clone(),
            systems: o.systems.clone(),
            since_ms: o.latency_ms,
            disabled: o
                .evidence
                .first()
                .and_then(|e| e.time.clone())
                .unwrap_or_default(),
        })
        .collect();
    let breaches = r
        .breaches
        .iter()
        .take(MAX_ROWS)
        .map(|b| BreachRow {
            person: b.person,
            kind: b.kind,
            severity: b.severity,
            title: b.title.clone(),
        })
        .collect();
    let ambiguous = r
        .ambiguous
        .iter()
        .take(MAX_ROWS)
        .map(|a| AmbiguousRow {
            key: a.key,
            value: a.value.clone(),
            reason: a.reason.clone(),
            accounts: a
                .accounts
                .iter()
                .take(MAX_AMBIGUOUS_ACCOUNTS)
                .cloned()
                .collect(),
        })
        .collect();
    LifecycleOverview {
        end: r.end.clone(),
        persons: count(r.persons.len()),
        links: count(links),
        jobs: count(jobs.len()),
        chained: count(chained),
        joiner_sla_ms: r.config.joiner_sla_ms,
        leaver_sla_ms: r.config.leaver_sla_ms,
        mover_sla_ms: r.config.mover_sla_ms,
        joiners: count(r.joiners.followed),
        leavers: count(r.leavers.followed),
        movers: count(r.movers.followed),
        joiner_latency: latency_rows(&r.joiners),
        leaver_latency: latency_rows(&r.leavers),
        slowest_joiners,
        slowest_joiners_total,
        slowest_leavers,
        slowest_leavers_total,
        never_created,
        never_created_total,
        orphans,
        orphans_total: count(r.orphans.len()),
        pending_deprovisioning: count(r.pending_deprovisioning.len()),
        stalled_movers,
        stalled_movers_total,
        breaches,
        breaches_total: count(r.breaches.len()),
        ambiguous,
        ambiguous_total: count(r.ambiguous.len()),
    }
}

fn account_label(a: &AccountRef) -> String {
    format!("{} → {}", a.source_system, a.target_system)
}

/// One person's swimlane; `None` when the report has no such person.
pub fn swimlane(store: &Store, r: &LifecycleReport, person: u32) -> Option<Swimlane> {
    let p: &Person = r.persons.get(person as usize)?;
    let config = &r.config;
    let mut measures = Vec::new();
    for (list, sla_ms) in [
        (&r.joiners, config.joiner_sla_ms),
        (&r.leavers, config.leaver_sla_ms),
        (&r.movers, config.mover_sla_ms),
    ] {
        for m in list.completed.iter().chain(&list.open) {
            if m.person == person {
                measures.push(SwimMeasure {
                    movement: m.movement,
                    system: m.system.clone(),
                    upstream_event: m.upstream_event,
                    downstream_event: m.downstream_event,
                    latency_ms: m.latency_ms,
                    sla_ms,
                    change: change(m),
                });
            }
        }
    }
    let referenced = |event: u32| {
        measures
            .iter()
            .any(|m| m.upstream_event == event || m.downstream_event == Some(event))
    };
    let mut omitted = 0u32;
    let lanes: Vec<SwimLane> = p
        .lanes
        .iter()
        .map(|lane| {
            let mut entries = Vec::new();
            for (k, e) in lane.entries.iter().enumerate() {
                if k >= MAX_LANE_ENTRIES && !referenced(e.event) {
                    omitted += 1;
                    continue;
                }
                entries.push(SwimEntry {
                    event: e.event,
                    event_id: store
                        .events
                        .get(e.event as usize)
                        .map(|x| store.str(x.id).to_string())
                        .unwrap_or_default(),
                    time: e.time.clone(),
                    time_ms: e.time_ms,
                    op: e.op,
                    status: e.status,
                    error_code: e.error_code.clone(),
                });
            }
            SwimLane {
                system: lane.system.clone(),
                role: lane.role,
                enabled_at_end: lane.enabled_at_end,
                entries,
            }
        })
        .collect();
    let mut links: Vec<SwimLink> = p
        .links
        .iter()
        .map(|l| {
            let side = |i: u32| p.accounts.get(i as usize).map(account_label);
            SwimLink {
                key: l.key,
                value: l.value.clone(),
                from: side(l.from).unwrap_or_default(),
                to: side(l.to).unwrap_or_default(),
                ambiguous: None,
            }
        })
        .collect();
    for a in &r.ambiguous {
        let (mine, others): (Vec<&AmbiguousAccount>, Vec<&AmbiguousAccount>) =
            a.accounts.iter().partition(|x| x.person == person);
        let Some(own) = mine.first() else {
            continue;
        };
        let others: Vec<String> = others
            .iter()
            .take(MAX_AMBIGUOUS_ACCOUNTS)
            .map(|x| format!("{} in {}", x.person_name, x.system))
            .collect();
        links.push(SwimLink {
            key: a.key,
            value: a.value.clone(),
            from: own.system.clone(),
            to: others.join("; "),
            ambiguous: Some(a.reason.clone()),
        });
    }
    let times = lanes
        .iter()
        .flat_map(|l| l.entries.iter())
        .filter_map(|e| e.time_ms);
    let first_ms = times.clone().min().unwrap_or(0);
    let mut last_ms = times.max().unwrap_or(first_ms);
    if measures.iter().any(|m| m.downstream_event.is_none()) {
        last_ms = last_ms.max(r.end_ms.unwrap_or(last_ms));
    }
    Some(Swimlane {
        person,
        name: p.name.clone(),
        upns: p.upns.clone(),
        worker_ids: p.worker_ids.clone(),
        first_ms,
        last_ms,
        lanes,
        links,
        measures,
        omitted,
    })
}

/// The persons whose name, UPN, worker id or an account id matches `text` (exact matches if
/// any, else substrings), at most [`MAX_MATCHES`].
pub fn find(r: &LifecycleReport, text: &str) -> PersonMatches {
    let found = r.find_persons(text);
    let persons = found
        .iter()
        .take(MAX_MATCHES)
        .map(|p| {
            let mut systems: Vec<&str> = p.lanes.iter().map(|l| l.system.as_str()).collect();
            systems.sort_unstable();
            systems.dedup();
            let mut detail: Vec<String> = p.upns.iter().take(1).cloned().collect();
            if let Some(w) = p.worker_ids.first() {
                detail.push(format!("worker {w}"));
            }
            detail.push(match systems.len() {
                1 => "1 system".to_string(),
                n => format!("{n} systems"),
            });
            PersonRef {
                person: p.id,
                name: p.name.clone(),
                detail: detail.join(" · "),
            }
        })
        .collect();
    PersonMatches {
        text: text.trim().to_string(),
        persons,
        total: count(found.len()),
    }
}
