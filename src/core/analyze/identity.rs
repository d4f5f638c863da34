//! One identity's history across jobs and cycles: which events concern it, its current state in
//! each target, and how its attributes changed over time.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::core::analyze::dims::{job_key, system_name};
use crate::core::model::{Event, Store, Sym};
use crate::core::time::format_iso;
use crate::core::vecmap::VecMap;

/// One event in an identity's history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Index of the event in the store.
    pub event: u32,
    pub time: Option<String>,
    pub job_id: String,
    pub cycle_id: String,
    pub source_system: String,
    pub target_system: String,
    pub action: String,
    pub status: String,
    pub error_code: String,
    pub source_id: String,
    pub target_id: String,
    pub changes: Vec<AttributeChange>,
}

/// An attribute's change in one event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeChange {
    pub name: String,
    pub old: String,
    pub new: String,
}

/// The last thing that happened to the identity in one target system (per job).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetState {
    pub job_id: String,
    pub target_system: String,
    pub last_time: Option<String>,
    pub last_action: String,
    pub last_status: String,
    /// The last successful action, which is what the target most likely reflects.
    pub last_success_action: Option<String>,
    pub target_id: String,
}

/// One value an attribute took, in time order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeStep {
    pub time: Option<String>,
    pub job_id: String,
    pub old: String,
    pub new: String,
    pub status: String,
}

/// An identity's full report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityReport {
    pub query: String,
    /// Names, UPNs and ids the identity is known by in the loaded data.
    pub display_names: Vec<String>,
    pub upns: Vec<String>,
    pub ids: Vec<String>,
    pub events: Vec<HistoryEntry>,
    pub targets: Vec<TargetState>,
    /// Per attribute, its changes in time order.
    pub attributes: VecMap<String, Vec<AttributeStep>>,
}

fn keys_of(e: &Event) -> [Sym; 7] {
    [
        e.source.id,
        e.source.upn,
        e.source.name,
        e.target.id,
        e.target.upn,
        e.target.name,
        e.reportable_id,
    ]
}

/// Symbols whose text equals the query (any case).
fn matching_syms(store: &Store, query: &str) -> HashSet<Sym> {
    let q = query.trim();
    let mut out = HashSet::new();
    if q.is_empty() {
        return out;
    }
    if let Some(s) = store.strings.find(q) {
        out.insert(s);
    }
    for e in &store.events {
        for k in keys_of(e) {
            if !k.is_empty() && !out.contains(&k) && store.str(k).eq_ignore_ascii_case(q) {
                out.insert(k);
            }
        }
    }
    out
}

/// Finds the events of the identity named by `query` (an object id, UPN or display name).
///
/// The match starts from events that carry the query as a source or target id, UPN or name,
/// then widens once through the ids and UPNs those events carry, so that the HR worker, its
/// AD account and its Entra and app accounts join into one history. Display names are not
/// used to widen (two people may share one).
pub fn identity_events(store: &Store, query: &str) -> Vec<u32> {
    let seeds = matching_syms(store, query);
    if seeds.is_empty() {
        return Vec::new();
    }
    let mut keys: HashSet<Sym> = HashSet::new();
    for e in &store.events {
        if keys_of(e).iter().any(|k| seeds.contains(k)) {
            for k in [
                e.source.id,
                e.source.upn,
                e.target.id,
                e.target.upn,
                e.reportable_id,
            ] {
                if !k.is_empty() {
                    keys.insert(k);
                }
            }
        }
    }
    keys.extend(&seeds);
    let mut out: Vec<u32> = store
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            [
                e.source.id,
                e.source.upn,
                e.target.id,
                e.target.upn,
                e.reportable_id,
                e.source.name,
                e.target.name,
            ]
            .iter()
            .enumerate()
            .any(|(i, k)| !k.is_empty() && (keys.contains(k) && (i < 5 || seeds.contains(k))))
        })
        .map(|(i, _)| i as u32)
        .collect();
    crate::core::sort::sort_by_key(&mut out, |&i| {
        let e = &store.events[i as usize];
        (e.time_ms.unwrap_or(i64::MIN), i)
    });
    out
}

/// The full report of one identity.
pub fn identity_report(store: &Store, query: &str) -> IdentityReport {
    let indices = identity_events(store, query);
    let s = |sym: Sym| store.str(sym).to_string();
    // Sets, in order: the values are unit.
    let mut names = VecMap::new();
    let mut upns = VecMap::new();
    let mut ids = VecMap::new();
    let mut events = Vec::new();
    let mut targets: VecMap<(String, String), TargetState> = VecMap::new();
    let mut attributes: VecMap<String, Vec<AttributeStep>> = VecMap::new();
    for &i in &indices {
        let Some(e) = store.events.get(i as usize) else {
            continue;
        };
        for n in [e.source.name, e.target.name] {
            if !n.is_empty() {
                names.insert(s(n), ());
            }
        }
        for u in [e.source.upn, e.target.upn] {
            if !u.is_empty() {
                upns.insert(s(u), ());
            }
        }
        for id in [e.source.id, e.target.id] {
            if !id.is_empty() {
                ids.insert(s(id), ());
            }
        }
        let time = e.time_ms.map(format_iso);
        let job = s(job_key(e));
        let changes: Vec<AttributeChange> = store
            .modified_of(e)
            .iter()
            .map(|m| AttributeChange {
                name: s(m.name),
                old: s(m.old),
                new: s(m.new),
            })
            .collect();
        for c in &changes {
            attributes.or_default(c.name.clone()).push(AttributeStep {
                time: time.clone(),
                job_id: job.clone(),
                old: c.old.clone(),
                new: c.new.clone(),
                status: e.status.as_str().to_string(),
            });
        }
        let target_system = system_name(store.str(e.target_system.name)).to_string();
        let state = targets.or_insert_with((job.clone(), target_system.clone()), || TargetState {
            job_id: job.clone(),
            target_system: target_system.clone(),
            ..TargetState::default()
        });
        state.last_time = time.clone();
        state.last_action = e.action.as_str().to_string();
        state.last_status = e.status.as_str().to_string();
        if e.status == crate::core::model::Status::Success {
            state.last_success_action = Some(e.action.as_str().to_string());
        }
        if !e.target.id.is_empty() {
            state.target_id = s(e.target.id);
        }
        events.push(HistoryEntry {
            event: i,
            time,
            job_id: job,
            cycle_id: s(e.cycle_id),
            source_system: system_name(store.str(e.source_system.name)).to_string(),
            target_system,
            action: e.action.as_str().to_string(),
            status: e.status.as_str().to_string(),
            error_code: s(e.error_code),
            source_id: s(e.source.id),
            target_id: s(e.target.id),
            changes,
        });
    }
    IdentityReport {
        query: query.to_string(),
        display_names: names.into_iter().map(|(n, ())| n).collect(),
        upns: upns.into_iter().map(|(u, ())| u).collect(),
        ids: ids.into_iter().map(|(id, ())| id).collect(),
        events,
        targets: targets.into_iter().map(|(_, state)| state).collect(),
        attributes,
    }
}
