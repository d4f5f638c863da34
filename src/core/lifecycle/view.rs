//! What the app's lifecycle view shows: an overview that stays small however many persons the
//! data holds (per-system latency distributions, counts and the first rows of each list), one
//! person's swimlane on request, and a person search.
//!
//! The page only renders these, so they carry text ready to show (durations, key names, the
//! sentence for each change) and few distinct types: every type that crosses to the page costs
//! decoding code in its wasm.

use serde::{Deserialize, Serialize};

use super::{
    AccountRef, LaneRole, LifecycleReport, Measure, MovementReport, Person, SystemLatency,
};
use crate::core::model::Store;
use crate::core::time::{format_duration_ms, format_iso};

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

/// A person in one of the overview's lists (or a search match).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    /// The person's index in the lifecycle analysis.
    pub person: u32,
    pub name: String,
    /// The system (or systems) concerned.
    pub system: String,
    /// How long the change took or, if it never arrived, how long since the upstream change.
    pub latency_ms: i64,
    pub over_sla: bool,
    /// When the change happened upstream (ISO 8601).
    pub at: String,
    /// A mover's change ("department → Sales"), or for a search match the person's ids.
    pub note: String,
}

/// A key that would have joined accounts that cannot be one person.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmbiguousRow {
    /// The key as people read it ("worker id").
    pub key: String,
    pub value: String,
    pub reason: String,
    /// The persons kept apart, and for each "Name in System".
    pub persons: Vec<u32>,
    pub accounts: Vec<String>,
}

/// The lifecycle view's overview.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleOverview {
    /// The time of the last event: "now" for changes that never arrived.
    pub end: String,
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
    pub slowest_joiners: Vec<PersonRow>,
    pub slowest_joiners_total: u32,
    pub slowest_leavers: Vec<PersonRow>,
    pub slowest_leavers_total: u32,
    /// Joiners whose account was attempted but never created, longest-waiting first.
    pub never_created: Vec<PersonRow>,
    pub never_created_total: u32,
    /// Leavers still enabled downstream after the leaver SLA; `system` lists where.
    pub orphans: Vec<PersonRow>,
    pub orphans_total: u32,
    /// Leavers still enabled downstream but within the leaver SLA.
    pub pending_deprovisioning: u32,
    /// Attribute changes that never reached a system, longest-waiting first.
    pub stalled_movers: Vec<PersonRow>,
    pub stalled_movers_total: u32,
    /// SLA breaches (listed with their evidence among the findings).
    pub breaches: u32,
    pub ambiguous: Vec<AmbiguousRow>,
    pub ambiguous_total: u32,
}

/// One event in a swimlane.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwimEntry {
    /// Index of the event in the data set (what the detail drawer opens).
    pub event: u32,
    /// The event's id as logged.
    pub event_id: String,
    pub time: String,
    pub time_ms: Option<i64>,
    /// What it did: `create`, `update`, `enable`, `disable`, `delete`, `staged delete`.
    pub op: String,
    /// How it ended: `success`, `failure`, `skipped`, `warning`, `unknown`.
    pub status: String,
    pub error_code: String,
}

/// One system's events for the person.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwimLane {
    pub system: String,
    /// The HR system the person's changes come from (else a system written to).
    pub source: bool,
    /// "HR source", "enabled at the end", "disabled or gone at the end", "state unknown".
    pub state: String,
    pub entries: Vec<SwimEntry>,
}

/// How two of the person's accounts were joined, or a key that would have joined this person
/// to another and was refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwimLink {
    /// The key as people read it ("worker id").
    pub key: String,
    pub value: String,
    /// "Workday → Active Directory"
    pub from: String,
    pub to: String,
    /// Why the link was refused; empty for a join.
    pub ambiguous: String,
}

/// One change followed from upstream into one system.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwimMeasure {
    pub upstream_event: u32,
    /// `None`: the change never arrived.
    pub downstream_event: Option<u32>,
    /// The lane of the system it was followed into.
    pub lane: u32,
    pub over_sla: bool,
    /// "joiner into Salesforce: 1 d 6 h, over the 8 h SLA"
    pub text: String,
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

/// The answer to a person search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonMatches {
    pub text: String,
    pub persons: Vec<PersonRow>,
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

fn change(m: &Measure) -> String {
    m.attribute
        .as_ref()
        .map(|a| format!("{a} → {}", m.value.as_deref().unwrap_or("")))
        .unwrap_or_default()
}

fn event_time(store: &Store, event: u32) -> String {
    store
        .events
        .get(event as usize)
        .and_then(|e| e.time_ms)
        .map(format_iso)
        .unwrap_or_default()
}

/// The first [`MAX_ROWS`] of `measures` as rows, and how many there are in all.
fn rows<'a>(
    store: &Store,
    measures: impl Iterator<Item = &'a Measure>,
    sla_ms: i64,
) -> (Vec<PersonRow>, u32) {
    let mut total = 0;
    let mut out = Vec::new();
    for m in measures {
        total += 1;
        if out.len() < MAX_ROWS {
            out.push(PersonRow {
                person: m.person,
                name: m.person_name.clone(),
                system: m.system.clone(),
                latency_ms: m.latency_ms,
                over_sla: m.latency_ms > sla_ms,
                at: event_time(store, m.upstream_event),
                note: change(m),
            });
        }
    }
    (out, total)
}

/// The slowest completed changes first (latency above zero: the HR job's own target is the
/// same event as the upstream change).
fn slowest(store: &Store, m: &MovementReport) -> (Vec<PersonRow>, u32) {
    let mut done: Vec<&Measure> = m.completed.iter().filter(|x| x.latency_ms > 0).collect();
    crate::core::sort::sort_by(&mut done, |a, b| {
        (b.latency_ms, a.person, &a.system).cmp(&(a.latency_ms, b.person, &b.system))
    });
    rows(store, done.into_iter(), m.sla_ms)
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
    let (never_created, never_created_total) = rows(store, r.joiners.open.iter(), r.joiners.sla_ms);
    let (stalled_movers, stalled_movers_total) = rows(store, r.movers.open.iter(), r.movers.sla_ms);
    let orphans = r
        .orphans
        .iter()
        .take(MAX_ROWS)
        .map(|o| PersonRow {
            person: o.person,
            name: o.person_name.clone(),
            system: o.systems.join(", "),
            latency_ms: o.latency_ms,
            over_sla: true,
            at: o
                .evidence
                .first()
                .and_then(|e| e.time.clone())
                .unwrap_or_default(),
            note: String::new(),
        })
        .collect();
    let ambiguous = r
        .ambiguous
        .iter()
        .take(MAX_ROWS)
        .map(|a| {
            let shown = a.accounts.iter().take(MAX_AMBIGUOUS_ACCOUNTS);
            AmbiguousRow {
                key: a.key.label().to_string(),
                value: a.value.clone(),
                reason: a.reason.clone(),
                persons: shown.clone().map(|x| x.person).collect(),
                accounts: shown
                    .map(|x| format!("{} in {}", x.person_name, x.system))
                    .collect(),
            }
        })
        .collect();
    LifecycleOverview {
        end: r.end.clone().unwrap_or_default(),
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
        breaches: count(r.breaches.len()),
        ambiguous,
        ambiguous_total: count(r.ambiguous.len()),
    }
}

fn account_label(a: &AccountRef) -> String {
    format!("{} → {}", a.source_system, a.target_system)
}

/// A change's sentence: "joiner into Salesforce: 1 d 6 h, over the 8 h SLA".
pub fn measure_text(m: &Measure, sla_ms: i64) -> String {
    let what = match change(m) {
        c if c.is_empty() => m.movement.as_str().to_string(),
        c => format!("{} ({c})", m.movement.as_str()),
    };
    let took = format_duration_ms(m.latency_ms);
    let sla = format_duration_ms(sla_ms);
    if m.downstream_event == Some(m.upstream_event) {
        // The HR job writes its own target (Active Directory) in the upstream event itself.
        return format!("{what} into {}: in the same event", m.system);
    }
    match (m.completed(), m.latency_ms > sla_ms) {
        (true, true) => format!("{what} into {}: {took}, over the {sla} SLA", m.system),
        (true, false) => format!("{what} into {}: {took}", m.system),
        (false, true) => format!("{what} into {}: never arrived ({took} since)", m.system),
        (false, false) => format!(
            "{what} into {}: under way ({took} since, within the {sla} SLA)",
            m.system
        ),
    }
}

/// One person's swimlane; `None` when the report has no such person.
pub fn swimlane(store: &Store, r: &LifecycleReport, person: u32) -> Option<Swimlane> {
    let p: &Person = r.persons.get(person as usize)?;
    let lane_of = |system: &str| {
        p.lanes
            .iter()
            .position(|l| l.role == LaneRole::Target && l.system == system)
    };
    let mut measures = Vec::new();
    for list in [&r.joiners, &r.leavers, &r.movers] {
        for m in list.completed.iter().chain(&list.open) {
            let Some(lane) = lane_of(&m.system).filter(|_| m.person == person) else {
                continue;
            };
            measures.push(SwimMeasure {
                upstream_event: m.upstream_event,
                downstream_event: m.downstream_event,
                lane: count(lane),
                over_sla: m.latency_ms > list.sla_ms,
                text: measure_text(m, list.sla_ms),
            });
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
                    time: e.time.clone().unwrap_or_default(),
                    time_ms: e.time_ms,
                    op: e.op.as_str().to_string(),
                    status: e.status.as_str().to_string(),
                    error_code: e.error_code.clone(),
                });
            }
            let state = match (lane.role, lane.enabled_at_end) {
                (LaneRole::Source, _) => "HR source",
                (_, Some(true)) => "enabled at the end",
                (_, Some(false)) => "disabled or gone at the end",
                (_, None) => "state unknown",
            };
            SwimLane {
                system: lane.system.clone(),
                source: lane.role == LaneRole::Source,
                state: state.to_string(),
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
                key: l.key.label().to_string(),
                value: l.value.clone(),
                from: side(l.from).unwrap_or_default(),
                to: side(l.to).unwrap_or_default(),
                ambiguous: String::new(),
            }
        })
        .collect();
    for a in &r.ambiguous {
        let Some(own) = a.accounts.iter().find(|x| x.person == person) else {
            continue;
        };
        let others: Vec<String> = a
            .accounts
            .iter()
            .filter(|x| x.person != person)
            .take(MAX_AMBIGUOUS_ACCOUNTS)
            .map(|x| format!("{} in {}", x.person_name, x.system))
            .collect();
        links.push(SwimLink {
            key: a.key.label().to_string(),
            value: a.value.clone(),
            from: own.system.clone(),
            to: others.join("; "),
            ambiguous: a.reason.clone(),
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
            let mut ids: Vec<String> = p.upns.iter().take(1).cloned().collect();
            if let Some(w) = p.worker_ids.first() {
                ids.push(format!("worker {w}"));
            }
            PersonRow {
                person: p.id,
                name: p.name.clone(),
                system: match systems.len() {
                    1 => "1 system".to_string(),
                    n => format!("{n} systems"),
                },
                note: ids.join(" · "),
                ..PersonRow::default()
            }
        })
        .collect();
    PersonMatches {
        text: text.trim().to_string(),
        persons,
        total: count(found.len()),
    }
}
