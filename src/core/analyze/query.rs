//! The query engine: filters by facet and free text, and faceted counts that reflect the other
//! active filters (the count beside a value says how many events that value would add).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::core::analyze::columns::{scenario_index, Columns, NO_TIME};
use crate::core::analyze::dims::{identity_type, system_name, Scenario};
use crate::core::model::{Action, Event, Status, Store, Sym};
use crate::core::vecmap::VecMap;

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

/// A compiled filter: per facet, which of the columns' ids pass; text matches precomputed.
pub struct Compiled {
    statuses: Option<[bool; 5]>,
    actions: Option<[bool; 7]>,
    scenarios: Option<[bool; 5]>,
    /// Indexed by the ids of [`Columns::jobs`], `sources`, `targets`, `kinds`, `errors` and
    /// `cycles`.
    jobs: Option<Vec<bool>>,
    sources: Option<Vec<bool>>,
    targets: Option<Vec<bool>>,
    kinds: Option<Vec<bool>>,
    errors: Option<Vec<bool>>,
    cycles: Option<Vec<bool>>,
    from_ms: Option<i64>,
    to_ms: Option<i64>,
    /// Symbols whose text contains the search text.
    text: Option<Vec<bool>>,
}

/// Which of a dictionary's keys pass: `None` when the filter does not constrain it.
fn allowed<K>(keys: &[K], active: bool, pass: impl Fn(&K) -> bool) -> Option<Vec<bool>> {
    active.then(|| keys.iter().map(pass).collect())
}

impl Compiled {
    pub fn new(store: &Store, cols: &Columns, f: &Filter) -> Compiled {
        fn flags<const N: usize>(indices: impl Iterator<Item = usize>) -> Option<[bool; N]> {
            let mut a = [false; N];
            let mut any = false;
            for i in indices {
                if let Some(slot) = a.get_mut(i) {
                    *slot = true;
                }
                any = true;
            }
            any.then_some(a)
        }
        // The selected values: a handful, so plain lists.
        let names = |list: &[String]| -> Vec<String> {
            list.iter().map(|s| system_name(s).to_string()).collect()
        };
        let syms = |list: &[String]| -> Vec<Sym> {
            list.iter().filter_map(|v| store.strings.find(v)).collect()
        };
        let jobs = syms(&f.jobs);
        let sources = names(&f.source_systems);
        let targets = names(&f.target_systems);
        let kinds: Vec<String> = f.identity_types.iter().map(|t| identity_type(t)).collect();
        let errors = syms(&f.error_codes);
        let cycles = syms(&f.cycles);
        let needle = f.text.trim();
        Compiled {
            statuses: flags(f.statuses.iter().map(|s| s.index())),
            actions: flags(f.actions.iter().map(|a| a.index())),
            scenarios: flags(f.scenarios.iter().map(|s| scenario_index(*s) as usize)),
            jobs: allowed(&cols.jobs, !f.jobs.is_empty(), |s| jobs.contains(s)),
            sources: allowed(&cols.sources, !f.source_systems.is_empty(), |s| {
                sources.iter().any(|n| n == system_name(store.str(*s)))
            }),
            targets: allowed(&cols.targets, !f.target_systems.is_empty(), |s| {
                targets.iter().any(|n| n == system_name(store.str(*s)))
            }),
            kinds: allowed(&cols.kinds, !f.identity_types.is_empty(), |s| {
                kinds.contains(&identity_type(store.str(*s)))
            }),
            errors: allowed(&cols.errors, !f.error_codes.is_empty(), |s| {
                errors.contains(s)
            }),
            cycles: allowed(&cols.cycles, !f.cycles.is_empty(), |(_, s)| {
                cycles.contains(s)
            }),
            from_ms: f.from_ms,
            to_ms: f.to_ms,
            // One substring scan over a lowercased copy of all interned strings.
            text: (!needle.is_empty()).then(|| store.strings.matching(needle)),
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

    /// Which facets reject each event: a bit per [`Facet`] (by discriminant), one column at a
    /// time. Events outside `within` get [`OUTSIDE`].
    pub fn failures(&self, store: &Store, cols: &Columns, within: Option<&[u32]>) -> Vec<u16> {
        let n = cols.len();
        let mut bits = match within {
            None => vec![0u16; n],
            Some(w) => {
                let mut bits = vec![OUTSIDE; n];
                for &i in w {
                    if let Some(b) = bits.get_mut(i as usize) {
                        *b = 0;
                    }
                }
                bits
            }
        };
        fn mark<T: Copy>(bits: &mut [u16], column: &[T], facet: Facet, pass: impl Fn(T) -> bool) {
            let bit = 1u16 << facet as u16;
            for (b, &v) in bits.iter_mut().zip(column) {
                if !pass(v) {
                    *b |= bit;
                }
            }
        }
        let table = |t: &[bool], id: u32| t.get(id as usize).copied().unwrap_or(false);
        if let Some(t) = &self.statuses {
            mark(&mut bits, &cols.status, Facet::Status, |v| {
                table(t, v.into())
            });
        }
        if let Some(t) = &self.actions {
            mark(&mut bits, &cols.action, Facet::Action, |v| {
                table(t, v.into())
            });
        }
        if let Some(t) = &self.scenarios {
            mark(&mut bits, &cols.scenario, Facet::Scenario, |v| {
                table(t, v.into())
            });
        }
        let lists = [
            (&self.jobs, &cols.job, Facet::Job),
            (&self.sources, &cols.source, Facet::SourceSystem),
            (&self.targets, &cols.target, Facet::TargetSystem),
            (&self.kinds, &cols.kind, Facet::IdentityType),
            (&self.errors, &cols.error, Facet::ErrorCode),
            (&self.cycles, &cols.cycle, Facet::Cycle),
        ];
        for (t, column, facet) in lists {
            if let Some(t) = t {
                mark(&mut bits, column, facet, |v| table(t, v));
            }
        }
        if self.from_ms.is_some() || self.to_ms.is_some() {
            let (from, to) = (self.from_ms, self.to_ms);
            mark(&mut bits, &cols.time, Facet::Time, |t| {
                t != NO_TIME && from.is_none_or(|f| t >= f) && to.is_none_or(|to| t < to)
            });
        }
        if let Some(hits) = &self.text {
            let bit = 1u16 << Facet::Text as u16;
            // No string holds the text: no event can.
            let none = !hits.contains(&true);
            for (b, e) in bits.iter_mut().zip(&store.events) {
                // An event already out twice cannot count in any facet: skip the search.
                if none || (b.count_ones() < 2 && !self.text_hit(store, e)) {
                    *b |= bit;
                }
            }
        }
        bits
    }
}

/// The mark of an event outside the events a query runs within: never a match, never counted.
const OUTSIDE: u16 = 0b11 << 14;

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
    pub facets: VecMap<Facet, Vec<FacetValue>>,
}

/// Runs a filter over the store: the matching events and the faceted counts.
pub fn run(store: &Store, filter: &Filter) -> QueryResult {
    run_in(store, &Columns::new(store), filter, None)
}

/// Like [`run`], with the store's columns already built, over the events at `within` only (a
/// finding's events) when given; facets count within them too.
///
/// Counts are kept per column id while scanning and turned into text once at the end, so the
/// scan allocates nothing per event.
pub fn run_in(
    store: &Store,
    cols: &Columns,
    filter: &Filter,
    within: Option<&[u32]>,
) -> QueryResult {
    let compiled = Compiled::new(store, cols, filter);
    let fails = compiled.failures(store, cols, within);
    let matches: Vec<u32> = fails
        .iter()
        .enumerate()
        .filter(|(_, f)| **f == 0)
        .map(|(i, _)| i as u32)
        .collect();
    // Each facet counts the events that only it rejects, or that nothing rejects.
    fn count<T: Copy + Into<u32>>(
        fails: &[u16],
        column: &[T],
        facet: Facet,
        ids: usize,
    ) -> Vec<u64> {
        let others = !(1u16 << facet as u16);
        let mut counts = vec![0u64; ids];
        for (&f, &v) in fails.iter().zip(column) {
            if f & others == 0 {
                if let Some(n) = counts.get_mut(v.into() as usize) {
                    *n += 1;
                }
            }
        }
        counts
    }
    let counts: Vec<Vec<u64>> = LIST_FACETS
        .iter()
        .map(|&facet| {
            let ids = facet_ids(cols, facet);
            match facet {
                Facet::Status => count(&fails, &cols.status, facet, ids),
                Facet::Action => count(&fails, &cols.action, facet, ids),
                Facet::Scenario => count(&fails, &cols.scenario, facet, ids),
                Facet::Job => count(&fails, &cols.job, facet, ids),
                Facet::SourceSystem => count(&fails, &cols.source, facet, ids),
                Facet::TargetSystem => count(&fails, &cols.target, facet, ids),
                Facet::IdentityType => count(&fails, &cols.kind, facet, ids),
                Facet::ErrorCode => count(&fails, &cols.error, facet, ids),
                Facet::Cycle => count(&fails, &cols.cycle, facet, ids),
                Facet::Time | Facet::Text | Facet::Finding => Vec::new(),
            }
        })
        .collect();
    let mut facets = VecMap::new();
    for (c, facet) in counts.into_iter().zip(LIST_FACETS) {
        if !c.iter().any(|n| *n > 0) {
            continue;
        }
        let mut merged: HashMap<String, u64> = HashMap::new();
        for (id, n) in c.into_iter().enumerate().filter(|(_, n)| *n > 0) {
            *merged.entry(key_text(store, cols, facet, id)).or_insert(0) += n;
        }
        let mut v: Vec<FacetValue> = merged
            .into_iter()
            .map(|(value, count)| FacetValue { value, count })
            .collect();
        crate::core::sort::sort_by(&mut v, |a, b| {
            b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value))
        });
        facets.insert(facet, v);
    }
    QueryResult { matches, facets }
}

/// How many ids a facet's column has.
fn facet_ids(cols: &Columns, facet: Facet) -> usize {
    match facet {
        Facet::Status => Status::ALL.len(),
        Facet::Action => Action::ALL.len(),
        Facet::Scenario => Scenario::ALL.len(),
        Facet::Job => cols.jobs.len(),
        Facet::SourceSystem => cols.sources.len(),
        Facet::TargetSystem => cols.targets.len(),
        Facet::IdentityType => cols.kinds.len(),
        Facet::ErrorCode => cols.errors.len(),
        Facet::Cycle => cols.cycles.len(),
        Facet::Time | Facet::Text | Facet::Finding => 0,
    }
}

/// The text of a facet's column id, as the filter spells it.
fn key_text(store: &Store, cols: &Columns, facet: Facet, id: usize) -> String {
    let sym = |keys: &[Sym]| store.str(keys.get(id).copied().unwrap_or(Sym::EMPTY));
    match facet {
        Facet::Status => Status::ALL
            .get(id)
            .map_or("unknown", |s| s.as_str())
            .to_string(),
        Facet::Action => Action::ALL
            .get(id)
            .map_or("unknown", |a| a.as_str())
            .to_string(),
        Facet::Scenario => Scenario::ALL
            .get(id)
            .map_or("unknown", |s| s.as_str())
            .to_string(),
        Facet::SourceSystem => system_name(sym(&cols.sources)).to_string(),
        Facet::TargetSystem => system_name(sym(&cols.targets)).to_string(),
        Facet::IdentityType => identity_type(sym(&cols.kinds)),
        Facet::Job => sym(&cols.jobs).to_string(),
        Facet::ErrorCode => sym(&cols.errors).to_string(),
        Facet::Cycle => store
            .str(cols.cycles.get(id).map_or(Sym::EMPTY, |c| c.1))
            .to_string(),
        Facet::Time | Facet::Text | Facet::Finding => String::new(),
    }
}
