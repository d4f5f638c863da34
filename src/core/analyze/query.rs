//! The query engine: filters by facet and free text, and faceted counts that reflect the other
//! active filters (the count beside a value says how many events that value would add).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::core::analyze::dims::{event_scenario, identity_type, job_key, system_name, Scenario};
use crate::core::model::{Action, Event, Status, Store, Sym};

/// Every filter the app and the CLI can set. Empty lists mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_empty")]
    pub statuses: Vec<Status>,
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_empty")]
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_empty")]
    pub jobs: Vec<String>,
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_empty")]
    pub source_systems: Vec<String>,
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_empty")]
    pub target_systems: Vec<String>,
    /// Lowercased identity types (`user`, `group`, …).
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_empty")]
    pub identity_types: Vec<String>,
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_empty")]
    pub error_codes: Vec<String>,
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_empty")]
    pub cycles: Vec<String>,
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_empty")]
    pub scenarios: Vec<Scenario>,
    /// Inclusive start, milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_none")]
    pub from_ms: Option<i64>,
    /// Exclusive end, milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_none")]
    pub to_ms: Option<i64>,
    /// Free text, matched case-insensitively against names, ids, error texts, step
    /// descriptions and property values.
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_empty_str")]
    pub text: String,
    /// Only the events behind one finding (`kind-N`, N its place in the findings list).
    #[serde(default, skip_serializing_if = "crate::core::wire::omit_none")]
    pub finding: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// The facets the sidebar shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    Status,
    Action,
    Job,
    SourceSystem,
    TargetSystem,
    IdentityType,
    ErrorCode,
    Cycle,
    Scenario,
    Time,
    Text,
    /// The events behind one finding.
    Finding,
}

/// The facets with value lists (time and text are ranges and strings, not lists).
pub const LIST_FACETS: [Facet; 9] = [
    Facet::Status,
    Facet::Action,
    Facet::Job,
    Facet::SourceSystem,
    Facet::TargetSystem,
    Facet::IdentityType,
    Facet::ErrorCode,
    Facet::Cycle,
    Facet::Scenario,
];

/// A compiled filter: string values resolved to symbols, text matches precomputed.
pub struct Compiled {
    statuses: Option<[bool; 5]>,
    actions: Option<[bool; 7]>,
    jobs: Option<BTreeSet<Sym>>,
    /// Sets of normalized system names.
    source_systems: Option<BTreeSet<String>>,
    target_systems: Option<BTreeSet<String>>,
    identity_types: Option<BTreeSet<String>>,
    error_codes: Option<BTreeSet<Sym>>,
    cycles: Option<BTreeSet<Sym>>,
    scenarios: Option<BTreeSet<Scenario>>,
    from_ms: Option<i64>,
    to_ms: Option<i64>,
    /// Symbols whose text contains the search text.
    text: Option<Vec<bool>>,
    /// Memo per symbol: whether a system name or identity type passes its filter, so the
    /// per-event check never allocates.
    source_ok: FxHashMap<Sym, bool>,
    target_ok: FxHashMap<Sym, bool>,
    kind_ok: FxHashMap<Sym, bool>,
    scenarios_memo: ScenarioMemo,
}

/// The scenario per (job id, source system, target system), computed once per combination:
/// deriving it lowercases the job id, which is too slow to do per event.
#[derive(Clone, Debug, Default)]
pub struct ScenarioMemo {
    known: FxHashMap<(Sym, Sym, Sym), Scenario>,
    /// The last answer: neighbouring events nearly always share job and systems.
    last: Option<((Sym, Sym, Sym), Scenario)>,
}

impl ScenarioMemo {
    pub fn of(&mut self, store: &Store, e: &Event) -> Scenario {
        let key = (e.job_id, e.source_system.name, e.target_system.name);
        if let Some((k, s)) = self.last {
            if k == key {
                return s;
            }
        }
        let s = *self
            .known
            .entry(key)
            .or_insert_with(|| event_scenario(store, e));
        self.last = Some((key, s));
        s
    }
}

fn sym_set(store: &Store, values: &[String]) -> Option<BTreeSet<Sym>> {
    if values.is_empty() {
        return None;
    }
    Some(
        values
            .iter()
            .map(|v| store.strings.find(v).unwrap_or(Sym(u32::MAX)))
            .collect(),
    )
}

impl Compiled {
    pub fn new(store: &Store, f: &Filter) -> Compiled {
        let flags5 = |list: &[Status]| {
            (!list.is_empty()).then(|| {
                let mut a = [false; 5];
                for s in list {
                    a[s.index()] = true;
                }
                a
            })
        };
        let flags7 = |list: &[Action]| {
            (!list.is_empty()).then(|| {
                let mut a = [false; 7];
                for s in list {
                    a[s.index()] = true;
                }
                a
            })
        };
        let names = |list: &[String]| {
            (!list.is_empty()).then(|| list.iter().map(|s| system_name(s).to_string()).collect())
        };
        let needle = f.text.trim();
        // One substring scan over a lowercased copy of all interned strings.
        let text = (!needle.is_empty()).then(|| store.strings.matching(needle));
        let mut jobs = sym_set(store, &f.jobs);
        if let Some(j) = jobs.as_mut() {
            // Jobs without an id are keyed by their service principal name.
            j.retain(|s| s.0 != u32::MAX);
            if j.is_empty() {
                j.insert(Sym(u32::MAX));
            }
        }
        Compiled {
            statuses: flags5(&f.statuses),
            actions: flags7(&f.actions),
            jobs,
            source_systems: names(&f.source_systems),
            target_systems: names(&f.target_systems),
            identity_types: (!f.identity_types.is_empty())
                .then(|| f.identity_types.iter().map(|t| identity_type(t)).collect()),
            error_codes: sym_set(store, &f.error_codes),
            cycles: sym_set(store, &f.cycles),
            scenarios: (!f.scenarios.is_empty()).then(|| f.scenarios.iter().copied().collect()),
            from_ms: f.from_ms,
            to_ms: f.to_ms,
            text,
            source_ok: FxHashMap::default(),
            target_ok: FxHashMap::default(),
            kind_ok: FxHashMap::default(),
            scenarios_memo: ScenarioMemo::default(),
        }
    }

    fn text_hit(&self, store: &Store, e: &Event) -> bool {
        let Some(hits) = &self.text else {
            return true;
        };
        let hit = |s: Sym| hits.get(s.0 as usize).copied().unwrap_or(false);
        let direct = [
            e.id,
            e.change_id,
            e.cycle_id,
            e.job_id,
            e.error_code,
            e.error_reason,
            e.additional_details,
            e.source.id,
            e.source.name,
            e.source.upn,
            e.target.id,
            e.target.name,
            e.target.upn,
            e.reportable_id,
            e.source_system.name,
            e.target_system.name,
            e.service_principal.name,
        ];
        if direct.into_iter().any(hit) {
            return true;
        }
        if store
            .steps_of(e)
            .iter()
            .any(|s| hit(s.description) || store.details_of(s).iter().any(|&(_, v)| hit(v)))
        {
            return true;
        }
        store
            .modified_of(e)
            .iter()
            .any(|m| hit(m.name) || hit(m.old) || hit(m.new))
    }

    /// Which facets reject the event: a bit per [`Facet`] (by discriminant).
    pub fn failures(&mut self, store: &Store, e: &Event) -> u16 {
        let mut bits = 0u16;
        let mut fail = |f: Facet| bits |= 1 << (f as u16);
        if let Some(s) = &self.statuses {
            if !s[e.status.index()] {
                fail(Facet::Status);
            }
        }
        if let Some(a) = &self.actions {
            if !a[e.action.index()] {
                fail(Facet::Action);
            }
        }
        if let Some(j) = &self.jobs {
            if !j.contains(&job_key(e)) {
                fail(Facet::Job);
            }
        }
        if let Some(set) = &self.source_systems {
            let sym = e.source_system.name;
            let ok = *self
                .source_ok
                .entry(sym)
                .or_insert_with(|| set.contains(system_name(store.str(sym))));
            if !ok {
                fail(Facet::SourceSystem);
            }
        }
        if let Some(set) = &self.target_systems {
            let sym = e.target_system.name;
            let ok = *self
                .target_ok
                .entry(sym)
                .or_insert_with(|| set.contains(system_name(store.str(sym))));
            if !ok {
                fail(Facet::TargetSystem);
            }
        }
        if let Some(set) = &self.identity_types {
            let sym = e.source.kind;
            let ok = *self
                .kind_ok
                .entry(sym)
                .or_insert_with(|| set.contains(&identity_type(store.str(sym))));
            if !ok {
                fail(Facet::IdentityType);
            }
        }
        if let Some(c) = &self.error_codes {
            if !c.contains(&e.error_code) {
                fail(Facet::ErrorCode);
            }
        }
        if let Some(c) = &self.cycles {
            if !c.contains(&e.cycle_id) {
                fail(Facet::Cycle);
            }
        }
        if self.scenarios.is_some() {
            let scenario = self.scenarios_memo.of(store, e);
            if !self
                .scenarios
                .as_ref()
                .is_some_and(|sc| sc.contains(&scenario))
            {
                fail(Facet::Scenario);
            }
        }
        if self.from_ms.is_some() || self.to_ms.is_some() {
            let inside = e.time_ms.is_some_and(|t| {
                self.from_ms.is_none_or(|f| t >= f) && self.to_ms.is_none_or(|to| t < to)
            });
            if !inside {
                fail(Facet::Time);
            }
        }
        if !self.text_hit(store, e) {
            fail(Facet::Text);
        }
        bits
    }
}

/// One value of a facet with its count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// Indices of the events that pass the filter, and faceted counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryResult {
    /// Indices into the store's events, in store order.
    pub matches: Vec<u32>,
    /// Per facet, each value's count among events passing every *other* filter.
    pub facets: BTreeMap<Facet, Vec<FacetValue>>,
}

/// Runs a filter over the store: the matching events and the faceted counts.
///
/// Counts are kept per symbol (or enum index) while scanning and turned into text once at the
/// end, so the scan allocates nothing per event.
pub fn run(store: &Store, filter: &Filter) -> QueryResult {
    run_within(store, filter, None)
}

/// Like [`run`], over the events at `within` only (a finding's events); facets count within
/// them too.
pub fn run_within(store: &Store, filter: &Filter, within: Option<&[u32]>) -> QueryResult {
    let mut compiled = Compiled::new(store, filter);
    let mut matches = Vec::new();
    let mut counts: Vec<FacetCounter> = vec![FacetCounter::default(); LIST_FACETS.len()];
    let mut scenarios = ScenarioMemo::default();
    let allowed: Option<rustc_hash::FxHashSet<u32>> = within.map(|w| w.iter().copied().collect());
    for (i, e) in store.events.iter().enumerate() {
        if allowed.as_ref().is_some_and(|a| !a.contains(&(i as u32))) {
            continue;
        }
        let fails = compiled.failures(store, e);
        if fails == 0 {
            matches.push(i as u32);
        }
        if fails.count_ones() > 1 {
            continue;
        }
        for (slot, facet) in counts.iter_mut().zip(LIST_FACETS) {
            let own = 1u16 << (facet as u16);
            if fails != 0 && fails != own {
                continue;
            }
            let key = match facet {
                Facet::Status => e.status.index() as u32,
                Facet::Action => e.action.index() as u32,
                Facet::Job => job_key(e).0,
                Facet::SourceSystem => e.source_system.name.0,
                Facet::TargetSystem => e.target_system.name.0,
                Facet::IdentityType => e.source.kind.0,
                Facet::ErrorCode => e.error_code.0,
                Facet::Cycle => e.cycle_id.0,
                Facet::Scenario => scenario_index(scenarios.of(store, e)) as u32,
                Facet::Time | Facet::Text | Facet::Finding => 0,
            };
            slot.add(key);
        }
    }
    let facets = counts
        .into_iter()
        .map(FacetCounter::finish)
        .zip(LIST_FACETS)
        .filter(|(m, _)| !m.is_empty())
        .map(|(m, facet)| {
            let mut merged: HashMap<String, u64> = HashMap::new();
            for (key, n) in m {
                *merged.entry(key_text(store, facet, key)).or_insert(0) += n;
            }
            let mut v: Vec<FacetValue> = merged
                .into_iter()
                .map(|(value, count)| FacetValue { value, count })
                .collect();
            crate::core::sort::sort_by(&mut v, |a, b| {
                b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value))
            });
            (facet, v)
        })
        .collect();
    QueryResult { matches, facets }
}

/// Counts facet keys. Events come in runs that share a job, system, type and cycle, so a run
/// is counted in place and reaches the map once, when it ends: one hash lookup per run instead
/// of one per event and facet.
#[derive(Clone, Debug, Default)]
struct FacetCounter {
    counts: FxHashMap<u32, u64>,
    run: Option<(u32, u64)>,
}

impl FacetCounter {
    fn add(&mut self, key: u32) {
        match &mut self.run {
            Some((k, n)) if *k == key => *n += 1,
            _ => {
                self.flush();
                self.run = Some((key, 1));
            }
        }
    }

    fn flush(&mut self) {
        if let Some((k, n)) = self.run.take() {
            *self.counts.entry(k).or_insert(0) += n;
        }
    }

    fn finish(mut self) -> FxHashMap<u32, u64> {
        self.flush();
        self.counts
    }
}

fn scenario_index(s: Scenario) -> usize {
    Scenario::ALL
        .iter()
        .position(|x| *x == s)
        .unwrap_or(Scenario::ALL.len() - 1)
}

/// The text of a facet key collected by [`run`], as the filter spells it.
fn key_text(store: &Store, facet: Facet, key: u32) -> String {
    let sym = Sym(key);
    match facet {
        Facet::Status => Status::ALL
            .get(key as usize)
            .map_or("unknown", |s| s.as_str())
            .to_string(),
        Facet::Action => Action::ALL
            .get(key as usize)
            .map_or("unknown", |a| a.as_str())
            .to_string(),
        Facet::Scenario => Scenario::ALL
            .get(key as usize)
            .map_or("unknown", |s| s.as_str())
            .to_string(),
        Facet::SourceSystem | Facet::TargetSystem => system_name(store.str(sym)).to_string(),
        Facet::IdentityType => identity_type(store.str(sym)),
        Facet::Job | Facet::ErrorCode | Facet::Cycle => store.str(sym).to_string(),
        Facet::Time | Facet::Text | Facet::Finding => String::new(),
    }
}

/// The value an event has for a facet, as the filter spells it.
pub fn facet_value(
    store: &Store,
    e: &Event,
    facet: Facet,
    memo: &mut HashMap<(Facet, u32), String>,
) -> String {
    let sym_text = |memo: &mut HashMap<(Facet, u32), String>, sym: Sym, f: fn(&str) -> String| {
        memo.entry((facet, sym.0))
            .or_insert_with(|| f(store.str(sym)))
            .clone()
    };
    match facet {
        Facet::Status => e.status.as_str().to_string(),
        Facet::Action => e.action.as_str().to_string(),
        Facet::Job => sym_text(memo, job_key(e), |s| s.to_string()),
        Facet::SourceSystem => sym_text(memo, e.source_system.name, |s| system_name(s).to_string()),
        Facet::TargetSystem => sym_text(memo, e.target_system.name, |s| system_name(s).to_string()),
        Facet::IdentityType => sym_text(memo, e.source.kind, identity_type),
        Facet::ErrorCode => sym_text(memo, e.error_code, |s| s.to_string()),
        Facet::Cycle => sym_text(memo, e.cycle_id, |s| s.to_string()),
        Facet::Scenario => event_scenario(store, e).as_str().to_string(),
        Facet::Time | Facet::Text | Facet::Finding => String::new(),
    }
}
