//! What the Provisioning Insights workbook and the portal blade answer, as one accumulator:
//! totals, identity types, scenarios, events over time, jobs, cycles, errors and attributes.
//!
//! [`Overview`] is filled event by event ([`Overview::add`]), chunks combine with
//! [`Overview::merge`], and [`Overview::finish`] resolves symbols and sorts everything, so the
//! report is the same however the events were split.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::analyze::columns::{Bitset, Columns, NONE, NO_TIME};
use crate::core::analyze::dims::{identity_type, system_name, Scenario};
use crate::core::analyze::totals::{Totals, TotalsReport};
use crate::core::kb;
use crate::core::model::{Action, Status, Store, Sym};
use crate::core::time::format_iso;
use crate::core::vecmap::VecMap;

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

/// Widens the range `first..=last` to hold `t`.
fn widen(first: &mut Option<i64>, last: &mut Option<i64>, t: Option<i64>) {
    if let Some(t) = t {
        if first.is_none_or(|f| t < f) {
            *first = Some(t);
        }
        if last.is_none_or(|l| t > l) {
            *last = Some(t);
        }
    }
}

#[derive(Clone, Debug, Default)]
struct CycleAcc {
    start: Option<i64>,
    end: Option<i64>,
    counts: Matrix,
}

#[derive(Clone, Debug, Default)]
struct JobAcc {
    events: u64,
    service_principal: Sym,
    source: Sym,
    target: Sym,
    job_id: Sym,
    counts: Matrix,
    first: Option<i64>,
    last: Option<i64>,
    /// Changes per attribute id.
    attributes: Vec<u64>,
}

#[derive(Clone, Debug, Default)]
struct ErrorAcc {
    count: u64,
    first: Option<i64>,
    last: Option<i64>,
    category: Sym,
    reason: Sym,
}

/// The accumulator behind every overview panel. Its keys are the dense ids of a data set's
/// [`Columns`]; accumulators merged together must come from the same columns.
#[derive(Clone, Debug, Default)]
pub struct Overview {
    totals: Totals,
    /// Events per identity type id.
    identity_types: Vec<u64>,
    scenarios: [u64; 5],
    /// Per identity id: bit `s` when it had an event of status `s`, bit 7 once seen at all.
    identity_flags: Vec<u8>,
    /// Per minute since the epoch: counts by status (0..5) and by action (5..12).
    /// Per minute id.
    minutes: Vec<[u32; 12]>,
    /// Per job id, cycle id and error id.
    jobs: Vec<JobAcc>,
    cycles: Vec<CycleAcc>,
    errors: Vec<ErrorAcc>,
    /// The (cycle, identity) and (error, identity) pairs seen: distinct identities per cycle
    /// and per error are counted from them when the report is made.
    cycle_pairs: Bitset,
    error_pairs: Bitset,
    /// Changes per attribute id.
    attributes: Vec<u64>,
}

/// The slot at `i`, the vector grown with empty slots when it is too short.
fn at<T: Default>(v: &mut Vec<T>, i: u32) -> &mut T {
    let i = i as usize;
    if i >= v.len() {
        v.resize_with(i + 1, T::default);
    }
    let last = v.len() - 1;
    &mut v[i.min(last)]
}

/// Adds `other`'s slots to `v`'s, slot by slot.
fn merge_slots<T: Default>(v: &mut Vec<T>, other: &[T], mut add: impl FnMut(&mut T, &T)) {
    if v.len() < other.len() {
        v.resize_with(other.len(), T::default);
    }
    for (a, b) in v.iter_mut().zip(other) {
        add(a, b);
    }
}

impl Overview {
    /// Adds event `i` of the store the columns were built from.
    pub fn add(&mut self, store: &Store, cols: &Columns, i: u32) {
        let ix = i as usize;
        let (Some(&status), Some(&action), Some(&t)) =
            (cols.status.get(ix), cols.action.get(ix), cols.time.get(ix))
        else {
            return;
        };
        let (status, action) = (status as usize, action as usize);
        let time = (t != NO_TIME).then_some(t);
        // Counted from the columns: the event itself is read only for a job's first event
        // and for errors.
        let totals = &mut self.totals;
        totals.events += 1;
        totals.by_status[status] += 1;
        totals.by_action[action] += 1;
        widen(&mut totals.first_ms, &mut totals.last_ms, time);
        *at(&mut self.identity_types, cols.kind[ix]) += 1;
        self.scenarios[(cols.scenario[ix] as usize).min(4)] += 1;
        let who = cols.identity[ix];
        if who != NONE {
            *at(&mut self.identity_flags, who) |= 0x80 | (1 << status);
            self.cycle_pairs.insert(cols.cycle_pair[ix]);
        }
        let minute = cols.minute[ix];
        if minute != NONE {
            let slot = at(&mut self.minutes, minute);
            slot[status] += 1;
            slot[5 + action.min(6)] += 1;
        }
        let job = at(&mut self.jobs, cols.job[ix]);
        if job.events == 0 {
            if let Some(e) = store.events.get(ix) {
                job.job_id = e.job_id;
                job.service_principal = e.service_principal.name;
                job.source = e.source_system.name;
                job.target = e.target_system.name;
            }
        }
        job.events += 1;
        job.counts[action][status] += 1;
        widen(&mut job.first, &mut job.last, time);
        let (start, end) = cols.changed[ix];
        if start < end {
            for &a in cols
                .attribute
                .get(start as usize..end as usize)
                .unwrap_or(&[])
            {
                *at(&mut job.attributes, a) += 1;
                *at(&mut self.attributes, a) += 1;
            }
        }
        let cycle = at(&mut self.cycles, cols.cycle[ix]);
        widen(&mut cycle.start, &mut cycle.end, time);
        cycle.counts[action][status] += 1;
        let error = cols.error[ix];
        if cols
            .errors
            .get(error as usize)
            .is_some_and(|c| !c.is_empty())
        {
            let err = at(&mut self.errors, error);
            err.count += 1;
            widen(&mut err.first, &mut err.last, time);
            if err.category.is_empty() || err.reason.is_empty() {
                if let Some(e) = store.events.get(ix) {
                    if err.category.is_empty() {
                        err.category = e.error_category;
                    }
                    if err.reason.is_empty() {
                        err.reason = e.error_reason;
                    }
                }
            }
            if who != NONE {
                self.error_pairs.insert(cols.error_pair[ix]);
            }
        }
    }

    pub fn merge(&mut self, other: &Overview) {
        self.totals.merge(&other.totals);
        merge_slots(&mut self.identity_types, &other.identity_types, |a, b| {
            *a += b
        });
        for (a, b) in self.scenarios.iter_mut().zip(other.scenarios) {
            *a += b;
        }
        merge_slots(&mut self.identity_flags, &other.identity_flags, |a, b| {
            *a |= b
        });
        merge_slots(&mut self.minutes, &other.minutes, |slot, v| {
            for (a, b) in slot.iter_mut().zip(v) {
                *a += b;
            }
        });
        merge_slots(&mut self.jobs, &other.jobs, |j, oj| {
            if j.events == 0 {
                j.job_id = oj.job_id;
                j.service_principal = oj.service_principal;
                j.source = oj.source;
                j.target = oj.target;
            }
            j.events += oj.events;
            add_matrix(&mut j.counts, &oj.counts);
            j.first = min_opt(j.first, oj.first);
            j.last = max_opt(j.last, oj.last);
            merge_slots(&mut j.attributes, &oj.attributes, |a, b| *a += b);
        });
        merge_slots(&mut self.cycles, &other.cycles, |c, oc| {
            c.start = min_opt(c.start, oc.start);
            c.end = max_opt(c.end, oc.end);
            add_matrix(&mut c.counts, &oc.counts);
        });
        merge_slots(&mut self.errors, &other.errors, |e, oe| {
            e.count += oe.count;
            e.first = min_opt(e.first, oe.first);
            e.last = max_opt(e.last, oe.last);
            if e.category.is_empty() {
                e.category = oe.category;
            }
            if e.reason.is_empty() {
                e.reason = oe.reason;
            }
        });
        self.cycle_pairs.union(&other.cycle_pairs);
        self.error_pairs.union(&other.error_pairs);
        merge_slots(&mut self.attributes, &other.attributes, |a, b| *a += b);
    }

    pub fn finish(&self, store: &Store, cols: &Columns) -> OverviewReport {
        let s = |sym: Sym| store.str(sym).to_string();
        let attribute_counts = |counts: &[u64]| -> Vec<AttributeCount> {
            let mut by_name: VecMap<&str, u64> = VecMap::new();
            for (a, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                let name = cols.attributes.get(a).copied().unwrap_or(Sym::EMPTY);
                *by_name.or_default(store.str(name)) += n;
            }
            by_name
                .into_iter()
                .map(|(name, changes)| AttributeCount {
                    name: name.to_string(),
                    changes,
                })
                .collect()
        };
        let mut types: BTreeMap<String, u64> = BTreeMap::new();
        for (k, v) in self.identity_types.iter().enumerate() {
            if *v > 0 {
                let sym = cols.kinds.get(k).copied().unwrap_or(Sym::EMPTY);
                *types.entry(identity_type(store.str(sym))).or_insert(0) += v;
            }
        }
        let decided = self.totals.status(Status::Success)
            + self.totals.status(Status::Failure)
            + self.totals.status(Status::Warning);
        let mut cycle_identities = vec![0u64; self.cycles.len()];
        for pair in self.cycle_pairs.iter() {
            if let Some(n) = cols
                .cycle_pairs
                .get(pair as usize)
                .and_then(|&c| cycle_identities.get_mut(c as usize))
            {
                *n += 1;
            }
        }
        let mut error_identities = vec![0u64; self.errors.len()];
        for pair in self.error_pairs.iter() {
            if let Some(n) = cols
                .error_pairs
                .get(pair as usize)
                .and_then(|&e| error_identities.get_mut(e as usize))
            {
                *n += 1;
            }
        }
        // Each job's cycles, by job id.
        let mut job_cycles: Vec<Vec<CycleReport>> = vec![Vec::new(); self.jobs.len()];
        for (k, c) in self.cycles.iter().enumerate() {
            let events: u64 = c.counts.iter().flatten().sum();
            let Some(&(job, cid)) = cols.cycles.get(k) else {
                continue;
            };
            let key = cols.jobs.get(job as usize).copied().unwrap_or(Sym::EMPTY);
            let Some(list) = job_cycles.get_mut(job as usize).filter(|_| events > 0) else {
                continue;
            };
            list.push(CycleReport {
                job_id: s(key),
                cycle_id: s(cid),
                start: c.start.map(format_iso),
                end: c.end.map(format_iso),
                start_ms: c.start,
                duration_ms: match (c.start, c.end) {
                    (Some(a), Some(b)) => Some(b - a),
                    _ => None,
                },
                events,
                counts: ActionStatus::from_matrix(&c.counts),
                identities: cycle_identities.get(k).copied().unwrap_or(0),
            });
        }
        let mut jobs: Vec<JobReport> = self
            .jobs
            .iter()
            .zip(job_cycles)
            .enumerate()
            .filter(|(_, (j, _))| j.events > 0)
            .map(|(k, (j, mut cycles))| {
                let key = cols.jobs.get(k).copied().unwrap_or(Sym::EMPTY);
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
                let mut attributes = attribute_counts(&j.attributes);
                sort_attributes(&mut attributes);
                JobReport {
                    job_id: s(key),
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
            .enumerate()
            .filter(|(_, e)| e.count > 0)
            .map(|(k, e)| {
                let code = cols.errors.get(k).copied().unwrap_or(Sym::EMPTY);
                let kb = kb::lookup(store.str(code))
                    .or_else(|| kb::lookup_text(store.str(e.reason), &[]));
                let class = kb.map(|k| format!("{:?}", k.category).to_lowercase());
                let logged = s(e.category);
                ErrorReport {
                    code: s(code),
                    count: e.count,
                    identities: error_identities.get(k).copied().unwrap_or(0),
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
        let mut attributes = attribute_counts(&self.attributes);
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
            scenarios: {
                let mut out = BTreeMap::new();
                for (s, n) in Scenario::ALL.iter().zip(self.scenarios) {
                    if n > 0 {
                        out.insert(s.as_str().to_string(), n);
                    }
                }
                out
            },
            timeline: self.timeline(cols),
            jobs,
            errors,
            attributes: attributes.into_iter().take(50).collect(),
        }
    }

    fn identities_with(&self, bit: u8) -> u64 {
        self.identity_flags.iter().filter(|f| *f & bit != 0).count() as u64
    }

    /// Events per bucket, the bucket chosen so the range shows as 24 to about 200 bars.
    fn timeline(&self, cols: &Columns) -> Timeline {
        let minutes: Vec<(i64, &[u32; 12])> = self
            .minutes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.iter().any(|n| *n > 0))
            .filter_map(|(id, c)| Some((*cols.minutes.get(id)?, c)))
            .collect();
        let (Some(first), Some(last)) = (
            minutes.iter().map(|m| m.0).min(),
            minutes.iter().map(|m| m.0).max(),
        ) else {
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
        for (minute, c) in minutes {
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

// The maps below are filled by inserts: collecting into a map sorts its input first, and
// each such collect compiles its own copy of the sort into the wasm.

fn status_counts(m: &Matrix) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for s in Status::ALL {
        out.insert(s.as_str().to_string(), m.iter().map(|r| r[s.index()]).sum());
    }
    out
}

fn action_counts(m: &Matrix) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for a in Action::ALL {
        out.insert(a.as_str().to_string(), m[a.index()].iter().sum());
    }
    out
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
    overview_in(store, &Columns::new(store), indices)
}

/// Like [`overview`], with the store's columns already built.
pub fn overview_in(store: &Store, cols: &Columns, indices: Option<&[u32]>) -> OverviewReport {
    let mut acc = Overview::default();
    match indices {
        Some(ix) => {
            for &i in ix {
                acc.add(store, cols, i);
            }
        }
        None => {
            for i in 0..store.events.len() as u32 {
                acc.add(store, cols, i);
            }
        }
    }
    acc.finish(store, cols)
}
