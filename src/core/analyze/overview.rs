//! What the Provisioning Insights workbook and the portal blade answer, as one accumulator:
//! totals, identity types, scenarios, events over time, jobs, cycles, errors and attributes.
//!
//! [`Overview`] is filled event by event ([`Overview::add`]), chunks combine with
//! [`Overview::merge`], and [`Overview::finish`] resolves symbols and sorts everything, so the
//! report is the same however the events were split.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::{Deserialize, Serialize};

use crate::core::analyze::dims::{identity_key, identity_type, job_key, system_name, Scenario};
use crate::core::analyze::query::ScenarioMemo;
use crate::core::analyze::totals::{Totals, TotalsReport};
use crate::core::kb;
use crate::core::model::{Action, Event, Status, Store, Sym};
use crate::core::time::format_iso;

/// Counts by action × status.
pub type Matrix = [[u64; 5]; 7];

fn add_matrix(a: &mut Matrix, b: &Matrix) {
    for (ra, rb) in a.iter_mut().zip(b) {
        for (x, y) in ra.iter_mut().zip(rb) {
            *x += y;
        }
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    [a, b].into_iter().flatten().min()
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    [a, b].into_iter().flatten().max()
}

#[derive(Clone, Debug, Default)]
struct CycleAcc {
    start: Option<i64>,
    end: Option<i64>,
    counts: Matrix,
    identities: HashSet<Sym>,
}

#[derive(Clone, Debug, Default)]
struct JobAcc {
    service_principal: Sym,
    source: Sym,
    target: Sym,
    job_id: Sym,
    counts: Matrix,
    first: Option<i64>,
    last: Option<i64>,
    cycles: Slots<Sym, CycleAcc>,
    attributes: Slots<Sym, u64>,
}

#[derive(Clone, Debug, Default)]
struct ErrorAcc {
    count: u64,
    identities: HashSet<Sym>,
    first: Option<i64>,
    last: Option<i64>,
    category: Sym,
    reason: Sym,
}

/// The accumulator behind every overview panel.
#[derive(Clone, Debug, Default)]
pub struct Overview {
    totals: Totals,
    identity_types: Slots<Sym, u64>,
    scenarios: [u64; 5],
    /// Per identity symbol: bit `s` when it had an event of status `s`, bit 7 once seen at all.
    /// A flat array instead of hash sets: one store per event on the hot path.
    identity_flags: Vec<u8>,
    /// Per minute since the epoch: counts by status (0..5) and by action (5..12).
    minutes: Slots<i64, [u32; 12]>,
    jobs: Slots<Sym, JobAcc>,
    errors: Slots<Sym, ErrorAcc>,
    attributes: Slots<Sym, u64>,
    scenario_memo: ScenarioMemo,
}

/// Accumulators by key, for the per-event hot path: neighbouring events mostly share their job,
/// cycle, minute, type and error, so the last key's slot is reused without hashing, and a new
/// key costs one lookup in an index to a vector of slots.
#[derive(Clone, Debug)]
struct Slots<K, V> {
    index: HashMap<K, u32>,
    items: Vec<(K, V)>,
    last: Option<(K, u32)>,
}

impl<K, V> Default for Slots<K, V> {
    fn default() -> Self {
        Slots {
            index: HashMap::default(),
            items: Vec::new(),
            last: None,
        }
    }
}

impl<K: Copy + Eq + std::hash::Hash, V: Default> Slots<K, V> {
    /// The accumulator of `key`, created empty on first use.
    fn slot(&mut self, key: K) -> &mut V {
        let at = match self.last {
            Some((k, at)) if k == key => at,
            _ => {
                let next = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
                let at = *self.index.entry(key).or_insert(next);
                if at == next {
                    self.items.push((key, V::default()));
                }
                self.last = Some((key, at));
                at
            }
        };
        // `at` always indexes `items` (pushed above when new).
        let len = self.items.len();
        &mut self.items[(at as usize).min(len - 1)].1
    }

    fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.items.iter().map(|(k, v)| (k, v))
    }

    fn keys(&self) -> impl Iterator<Item = &K> {
        self.items.iter().map(|(k, _)| k)
    }
}

fn scenario_index(s: Scenario) -> usize {
    Scenario::ALL.iter().position(|x| *x == s).unwrap_or(4)
}

impl Overview {
    pub fn add(&mut self, store: &Store, e: &Event) {
        self.totals.add(e);
        *self.identity_types.slot(e.source.kind) += 1;
        self.scenarios[scenario_index(self.scenario_memo.of(store, e))] += 1;
        let who = identity_key(e);
        if !who.is_empty() {
            let k = who.0 as usize;
            if self.identity_flags.len() <= k {
                self.identity_flags
                    .resize(store.strings.len().max(k + 1), 0);
            }
            if let Some(flags) = self.identity_flags.get_mut(k) {
                *flags |= 0x80 | (1 << e.status.index());
            }
        }
        if let Some(t) = e.time_ms {
            let slot = self.minutes.slot(t.div_euclid(60_000));
            slot[e.status.index()] += 1;
            slot[5 + e.action.index().min(6)] += 1;
        }
        let job = self.jobs.slot(job_key(e));
        job.job_id = e.job_id;
        job.service_principal = e.service_principal.name;
        job.source = e.source_system.name;
        job.target = e.target_system.name;
        job.counts[e.action.index()][e.status.index()] += 1;
        job.first = min_opt(job.first, e.time_ms);
        job.last = max_opt(job.last, e.time_ms);
        let cycle = job.cycles.slot(e.cycle_id);
        cycle.start = min_opt(cycle.start, e.time_ms);
        cycle.end = max_opt(cycle.end, e.time_ms);
        cycle.counts[e.action.index()][e.status.index()] += 1;
        if !who.is_empty() {
            cycle.identities.insert(who);
        }
        for m in store.modified_of(e) {
            *job.attributes.slot(m.name) += 1;
            *self.attributes.slot(m.name) += 1;
        }
        if !e.error_code.is_empty() {
            let err = self.errors.slot(e.error_code);
            err.count += 1;
            if !who.is_empty() {
                err.identities.insert(who);
            }
            err.first = min_opt(err.first, e.time_ms);
            err.last = max_opt(err.last, e.time_ms);
            if err.category.is_empty() {
                err.category = e.error_category;
            }
            if err.reason.is_empty() {
                err.reason = e.error_reason;
            }
        }
    }

    pub fn merge(&mut self, other: &Overview) {
        self.totals.merge(&other.totals);
        for (k, v) in other.identity_types.iter() {
            *self.identity_types.slot(*k) += v;
        }
        for (a, b) in self.scenarios.iter_mut().zip(other.scenarios) {
            *a += b;
        }
        if self.identity_flags.len() < other.identity_flags.len() {
            self.identity_flags.resize(other.identity_flags.len(), 0);
        }
        for (a, b) in self.identity_flags.iter_mut().zip(&other.identity_flags) {
            *a |= b;
        }
        for (k, v) in other.minutes.iter() {
            let slot = self.minutes.slot(*k);
            for (a, b) in slot.iter_mut().zip(v) {
                *a += b;
            }
        }
        for (k, oj) in other.jobs.iter() {
            let j = self.jobs.slot(*k);
            j.job_id = oj.job_id;
            if j.service_principal.is_empty() {
                j.service_principal = oj.service_principal;
            }
            if j.source.is_empty() {
                j.source = oj.source;
            }
            if j.target.is_empty() {
                j.target = oj.target;
            }
            add_matrix(&mut j.counts, &oj.counts);
            j.first = min_opt(j.first, oj.first);
            j.last = max_opt(j.last, oj.last);
            for (ck, oc) in oj.cycles.iter() {
                let c = j.cycles.slot(*ck);
                c.start = min_opt(c.start, oc.start);
                c.end = max_opt(c.end, oc.end);
                add_matrix(&mut c.counts, &oc.counts);
                c.identities.extend(&oc.identities);
            }
            for (a, n) in oj.attributes.iter() {
                *j.attributes.slot(*a) += n;
            }
        }
        for (k, oe) in other.errors.iter() {
            let e = self.errors.slot(*k);
            e.count += oe.count;
            e.identities.extend(&oe.identities);
            e.first = min_opt(e.first, oe.first);
            e.last = max_opt(e.last, oe.last);
            if e.category.is_empty() {
                e.category = oe.category;
            }
            if e.reason.is_empty() {
                e.reason = oe.reason;
            }
        }
        for (k, v) in other.attributes.iter() {
            *self.attributes.slot(*k) += v;
        }
    }

    pub fn finish(&self, store: &Store) -> OverviewReport {
        let s = |sym: Sym| store.str(sym).to_string();
        let mut types: BTreeMap<String, u64> = BTreeMap::new();
        for (k, v) in self.identity_types.iter() {
            *types.entry(identity_type(store.str(*k))).or_insert(0) += v;
        }
        let decided = self.totals.status(Status::Success)
            + self.totals.status(Status::Failure)
            + self.totals.status(Status::Warning);
        let mut jobs: Vec<JobReport> = self
            .jobs
            .iter()
            .map(|(key, j)| {
                let mut cycles: Vec<CycleReport> = j
                    .cycles
                    .iter()
                    .map(|(cid, c)| CycleReport {
                        job_id: s(*key),
                        cycle_id: s(*cid),
                        start: c.start.map(format_iso),
                        end: c.end.map(format_iso),
                        start_ms: c.start,
                        duration_ms: match (c.start, c.end) {
                            (Some(a), Some(b)) => Some(b - a),
                            _ => None,
                        },
                        events: c.counts.iter().flatten().sum(),
                        counts: ActionStatus::from_matrix(&c.counts),
                        identities: c.identities.len() as u64,
                    })
                    .collect();
                crate::core::sort::sort_by(&mut cycles, |a, b| {
                    a.start_ms
                        .cmp(&b.start_ms)
                        .then(a.cycle_id.cmp(&b.cycle_id))
                });
                let starts: Vec<i64> = cycles.iter().filter_map(|c| c.start_ms).collect();
                let mut gaps: Vec<i64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
                crate::core::sort::sort(&mut gaps);
                let typical = gaps.get(gaps.len() / 2).copied();
                let events: u64 = j.counts.iter().flatten().sum();
                let failures: u64 = j.counts.iter().map(|r| r[Status::Failure.index()]).sum();
                let mut attributes: Vec<AttributeCount> = j
                    .attributes
                    .iter()
                    .map(|(a, n)| AttributeCount {
                        name: s(*a),
                        changes: *n,
                    })
                    .collect();
                sort_attributes(&mut attributes);
                JobReport {
                    job_id: s(*key),
                    name: s(j.service_principal),
                    source: system_name(store.str(j.source)).to_string(),
                    target: system_name(store.str(j.target)).to_string(),
                    scenario: crate::core::analyze::dims::scenario(
                        store.str(j.job_id),
                        store.str(j.source),
                        store.str(j.target),
                    ),
                    events,
                    by_status: status_counts(&j.counts),
                    by_action: action_counts(&j.counts),
                    counts: ActionStatus::from_matrix(&j.counts),
                    failure_rate: if events > 0 {
                        failures as f64 / events as f64
                    } else {
                        0.0
                    },
                    first: j.first.map(format_iso),
                    last: j.last.map(format_iso),
                    cycles: cycles.len() as u64,
                    typical_cycle_interval_ms: typical,
                    cycle_list: cycles,
                    top_attributes: attributes.into_iter().take(10).collect(),
                }
            })
            .collect();
        crate::core::sort::sort_by(&mut jobs, |a, b| {
            b.events.cmp(&a.events).then(a.job_id.cmp(&b.job_id))
        });
        let mut errors: Vec<ErrorReport> = self
            .errors
            .iter()
            .map(|(code, e)| {
                let kb = kb::lookup(store.str(*code))
                    .or_else(|| kb::lookup_text(store.str(e.reason), &[]));
                let class = kb.map(|k| format!("{:?}", k.category).to_lowercase());
                let logged = s(e.category);
                ErrorReport {
                    code: s(*code),
                    count: e.count,
                    identities: e.identities.len() as u64,
                    first: e.first.map(format_iso),
                    last: e.last.map(format_iso),
                    category: if logged.is_empty() {
                        class.clone().unwrap_or_default()
                    } else {
                        logged
                    },
                    class: class.unwrap_or_default(),
                    reason: s(e.reason),
                    kb_code: kb.map(|k| k.code.to_string()),
                    title: kb.map(|k| k.title.to_string()).unwrap_or_default(),
                    explanation: kb.map(|k| k.explanation.to_string()).unwrap_or_default(),
                    fix: kb.map(|k| k.fix.to_string()).unwrap_or_default(),
                    retries: kb.map(|k| retry_text(k.retries)).unwrap_or_default(),
                    credential: kb.is_some_and(|k| k.credential),
                }
            })
            .collect();
        crate::core::sort::sort_by(&mut errors, |a, b| {
            b.count.cmp(&a.count).then(a.code.cmp(&b.code))
        });
        let mut attributes: Vec<AttributeCount> = self
            .attributes
            .iter()
            .map(|(a, n)| AttributeCount {
                name: s(*a),
                changes: *n,
            })
            .collect();
        sort_attributes(&mut attributes);
        OverviewReport {
            totals: self.totals.finish(),
            success_rate: self.totals.success_rate(),
            failure_rate: if decided > 0 {
                Some(self.totals.status(Status::Failure) as f64 / self.totals.events.max(1) as f64)
            } else {
                None
            },
            identities: self.identities_with(0x80),
            identities_by_status: IdentitiesByStatus {
                success: self.identities_with(1),
                failure: self.identities_with(1 << 1),
                skipped: self.identities_with(1 << 2),
                warning: self.identities_with(1 << 3),
                unknown: self.identities_with(1 << 4),
            },
            identity_types: types,
            scenarios: Scenario::ALL
                .iter()
                .zip(self.scenarios)
                .filter(|(_, n)| *n > 0)
                .map(|(s, n)| (s.as_str().to_string(), n))
                .collect(),
            timeline: self.timeline(),
            jobs,
            errors,
            attributes: attributes.into_iter().take(50).collect(),
        }
    }

    fn identities_with(&self, bit: u8) -> u64 {
        self.identity_flags.iter().filter(|f| *f & bit != 0).count() as u64
    }

    /// Events per bucket, the bucket chosen so the range shows as 24 to about 200 bars.
    fn timeline(&self) -> Timeline {
        let (Some(&first), Some(&last)) = (self.minutes.keys().min(), self.minutes.keys().max())
        else {
            return Timeline::default();
        };
        let span_min = last - first + 1;
        let bucket_min = BUCKETS_MIN
            .iter()
            .copied()
            .find(|b| span_min / b <= 200)
            .unwrap_or(10_080);
        let start = first.div_euclid(bucket_min) * bucket_min;
        let n = ((last - start) / bucket_min + 1) as usize;
        let mut buckets: Vec<TimeBucket> = (0..n)
            .map(|i| TimeBucket {
                start_ms: (start + i as i64 * bucket_min) * 60_000,
                by_status: [0; 5],
                by_action: [0; 7],
            })
            .collect();
        for (minute, c) in self.minutes.iter() {
            let i = ((minute - start) / bucket_min) as usize;
            if let Some(b) = buckets.get_mut(i) {
                for (slot, n) in b.by_status.iter_mut().zip(&c[..5]) {
                    *slot += u64::from(*n);
                }
                for (slot, n) in b.by_action.iter_mut().zip(&c[5..]) {
                    *slot += u64::from(*n);
                }
            }
        }
        Timeline {
            bucket_ms: bucket_min * 60_000,
            buckets,
        }
    }
}

/// Bucket sizes in minutes: 1, 5, 15 minutes, 1, 3, 6, 12 hours, 1 day.
const BUCKETS_MIN: [i64; 8] = [1, 5, 15, 60, 180, 360, 720, 1440];

fn sort_attributes(v: &mut [AttributeCount]) {
    crate::core::sort::sort_by(v, |a, b| {
        b.changes.cmp(&a.changes).then(a.name.cmp(&b.name))
    });
}

fn status_counts(m: &Matrix) -> BTreeMap<String, u64> {
    Status::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), m.iter().map(|r| r[s.index()]).sum()))
        .collect()
}

fn action_counts(m: &Matrix) -> BTreeMap<String, u64> {
    Action::ALL
        .iter()
        .map(|a| (a.as_str().to_string(), m[a.index()].iter().sum()))
        .collect()
}

/// Non-zero counts by action and status, e.g. `create/failure: 3`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionStatus(pub BTreeMap<String, u64>);

impl ActionStatus {
    fn from_matrix(m: &Matrix) -> ActionStatus {
        let mut out = BTreeMap::new();
        for a in Action::ALL {
            for s in Status::ALL {
                let n = m[a.index()][s.index()];
                if n > 0 {
                    out.insert(format!("{}/{}", a.as_str(), s.as_str()), n);
                }
            }
        }
        ActionStatus(out)
    }
}

/// Unique identities per status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitiesByStatus {
    pub success: u64,
    pub failure: u64,
    pub skipped: u64,
    pub warning: u64,
    pub unknown: u64,
}

/// One bar of the timeline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeBucket {
    pub start_ms: i64,
    /// Indexed like [`Status::ALL`].
    pub by_status: [u64; 5],
    /// Indexed like [`Action::ALL`].
    pub by_action: [u64; 7],
}

/// Events over time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub bucket_ms: i64,
    pub buckets: Vec<TimeBucket>,
}

/// One provisioning cycle of one job.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CycleReport {
    pub job_id: String,
    pub cycle_id: String,
    pub start: Option<String>,
    pub end: Option<String>,
    #[serde(skip)]
    pub start_ms: Option<i64>,
    pub duration_ms: Option<i64>,
    pub events: u64,
    pub counts: ActionStatus,
    pub identities: u64,
}

/// One provisioning job.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobReport {
    pub job_id: String,
    /// The service principal (application) name.
    pub name: String,
    pub source: String,
    pub target: String,
    pub scenario: Scenario,
    pub events: u64,
    pub by_status: BTreeMap<String, u64>,
    pub by_action: BTreeMap<String, u64>,
    pub counts: ActionStatus,
    pub failure_rate: f64,
    pub first: Option<String>,
    pub last: Option<String>,
    pub cycles: u64,
    /// Median time between the starts of consecutive cycles.
    pub typical_cycle_interval_ms: Option<i64>,
    #[serde(skip_serializing_if = "crate::core::wire::omit_empty", default)]
    pub cycle_list: Vec<CycleReport>,
    #[serde(skip_serializing_if = "crate::core::wire::omit_empty", default)]
    pub top_attributes: Vec<AttributeCount>,
}

/// One error code, explained from the offline knowledge base where it is known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReport {
    pub code: String,
    pub count: u64,
    /// Distinct identities affected.
    pub identities: u64,
    pub first: Option<String>,
    pub last: Option<String>,
    /// The logged `errorCategory` (e.g. `nonServiceFailure`), else the knowledge base's class.
    pub category: String,
    /// The knowledge base's class: who or what has to act (`transient`, `credentials`, …).
    pub class: String,
    /// One example reason as logged.
    pub reason: String,
    /// The knowledge-base code this matched (`EntryConflict` for `ContosoEntryConflict`).
    pub kb_code: Option<String>,
    pub title: String,
    /// Plain explanation; empty when the code is not in the knowledge base.
    pub explanation: String,
    pub fix: String,
    /// Whether the service retries by itself.
    pub retries: String,
    /// A credential error: a quarantine precursor.
    pub credential: bool,
}

fn retry_text(r: kb::Retry) -> String {
    match r {
        kb::Retry::Automatic { note } => format!("retried automatically: {note}"),
        kb::Retry::FixRequired => {
            "retried on the escrow schedule, but fails until the cause is fixed".to_string()
        }
        kb::Retry::NotAnError => "not an error".to_string(),
    }
}

/// How often an attribute was changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeCount {
    pub name: String,
    pub changes: u64,
}

/// Everything the overview shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OverviewReport {
    pub totals: TotalsReport,
    /// Successes among successes, failures and warnings, in percent.
    pub success_rate: Option<f64>,
    pub failure_rate: Option<f64>,
    pub identities: u64,
    pub identities_by_status: IdentitiesByStatus,
    /// Events by lowercased identity type.
    pub identity_types: BTreeMap<String, u64>,
    pub scenarios: BTreeMap<String, u64>,
    pub timeline: Timeline,
    pub jobs: Vec<JobReport>,
    pub errors: Vec<ErrorReport>,
    pub attributes: Vec<AttributeCount>,
}

/// The overview of the events at the given indices (all events when `None`).
pub fn overview(store: &Store, indices: Option<&[u32]>) -> OverviewReport {
    let mut acc = Overview::default();
    match indices {
        Some(ix) => {
            for &i in ix {
                if let Some(e) = store.events.get(i as usize) {
                    acc.add(store, e);
                }
            }
        }
        None => {
            for e in &store.events {
                acc.add(store, e);
            }
        }
    }
    acc.finish(store)
}
