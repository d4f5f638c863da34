//! Builds each person's swimlanes and measures joiners, leavers and movers against the SLAs.

use rustc_hash::FxHashMap as HashMap;

use super::chain::{chain, Chains};
use super::{
    AccountRef, AmbiguousAccount, AmbiguousLink, Evidence, IssueKind, Lane, LaneEntry, LaneRole,
    LifecycleConfig, LifecycleIssue, LifecycleOp, LifecycleReport, Link, Measure, Movement,
    MovementReport, Person, Severity, SystemLatency,
};
use crate::core::analyze::dims::{job_key, system_name};
use crate::core::model::{Action, Event, Status, Store, Sym};
use crate::core::time::{format_duration_ms, format_iso};
use crate::core::vecmap::VecMap;

/// Follows every person in the store from HR to every downstream system.
pub fn analyze(store: &Store, config: &LifecycleConfig) -> LifecycleReport {
    let chains = chain(store);
    let end_ms = store.events.iter().filter_map(|e| e.time_ms).max();
    let mut ctx = Ctx::new(store, config);
    let ops: Vec<Option<LifecycleOp>> = store.events.iter().map(|e| ctx.op(e)).collect();

    // Accounts per person, and the persons in order of their first event.
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); chains.persons];
    for (a, &p) in chains.person_of.iter().enumerate() {
        if let Some(m) = members.get_mut(p as usize) {
            m.push(a as u32);
        }
    }
    let first_time = |accounts: &[u32]| -> i64 {
        accounts
            .iter()
            .filter_map(|&a| chains.accounts.get(a as usize))
            .flat_map(|a| a.events.iter())
            .filter_map(|&i| store.events.get(i as usize).and_then(|e| e.time_ms))
            .min()
            .unwrap_or(i64::MAX)
    };
    let mut order: Vec<(i64, String, u32)> = members
        .iter()
        .enumerate()
        .map(|(p, accs)| {
            (
                first_time(accs),
                person_name(store, &chains, accs),
                p as u32,
            )
        })
        .collect();
    crate::core::sort::sort(&mut order);
    let mut new_id = vec![0u32; chains.persons];
    for (id, (_, _, p)) in order.iter().enumerate() {
        if let Some(slot) = new_id.get_mut(*p as usize) {
            *slot = id as u32;
        }
    }

    // Links per person, so that building a person never scans every link.
    let mut links_of: Vec<Vec<usize>> = vec![Vec::new(); chains.persons];
    for (i, l) in chains.links.iter().enumerate() {
        let p = chains
            .person_of
            .get(l.from as usize)
            .copied()
            .unwrap_or(u32::MAX);
        if let Some(v) = links_of.get_mut(p as usize) {
            v.push(i);
        }
    }

    let end = end_ms.unwrap_or(0);
    let mut out = Outputs::default();
    let mut persons = Vec::with_capacity(order.len());
    for (id, (_, name, p)) in order.into_iter().enumerate() {
        let accs = members.get(p as usize).cloned().unwrap_or_default();
        let links = links_of.get(p as usize).map_or(&[][..], |v| v.as_slice());
        let person = build_person(store, &chains, &ops, (id as u32, name), &accs, links);
        ctx.measure(&person, end, &mut out);
        persons.push(person);
    }

    let ambiguous = chains
        .ambiguous
        .iter()
        .map(|amb| AmbiguousLink {
            key: amb.key,
            value: amb.value.clone(),
            reason: amb.reason.clone(),
            accounts: amb
                .accounts
                .iter()
                .filter_map(|&a| {
                    let acc = chains.accounts.get(a as usize)?;
                    let p = chains.person_of.get(a as usize)?;
                    let id = *new_id.get(*p as usize)?;
                    Some(AmbiguousAccount {
                        person: id,
                        person_name: persons
                            .get(id as usize)
                            .map(|x: &Person| x.name.clone())
                            .unwrap_or_default(),
                        job_id: store.str(acc.job).to_string(),
                        system: system_name(store.str(acc.target_system)).to_string(),
                        source_id: store.str(acc.source_id).to_string(),
                    })
                })
                .collect(),
        })
        .collect();

    let sla = |m: Movement| match m {
        Movement::Joiner => config.joiner_sla_ms,
        Movement::Leaver => config.leaver_sla_ms,
        Movement::Mover => config.mover_sla_ms,
    };
    let mut breaches = Vec::new();
    for m in out.joiners.iter().chain(&out.leavers).chain(&out.movers) {
        let limit = sla(m.movement);
        let leaver_open = m.movement == Movement::Leaver && !m.completed();
        if m.latency_ms > limit && !leaver_open {
            breaches.push(breach(store, m, limit));
        }
    }
    crate::core::sort::sort_by(&mut breaches, |a, b| {
        (b.severity, a.kind, a.person, &a.systems).cmp(&(a.severity, b.kind, b.person, &b.systems))
    });
    let mut orphans = Vec::new();
    let mut pending = Vec::new();
    let mut open_leavers: Vec<&Measure> = out.leavers.iter().filter(|m| !m.completed()).collect();
    crate::core::sort::sort_by_key(&mut open_leavers, |m| {
        (m.person, m.upstream_event, m.system.clone())
    });
    let mut i = 0;
    while let Some(first) = open_leavers.get(i) {
        let group: Vec<&Measure> = open_leavers
            .iter()
            .skip(i)
            .take_while(|m| m.person == first.person && m.upstream_event == first.upstream_event)
            .copied()
            .collect();
        i += group.len().max(1);
        if first.latency_ms > config.leaver_sla_ms {
            orphans.extend(orphan(store, &persons, &group, config.leaver_sla_ms));
        } else {
            pending.extend(group.into_iter().cloned());
        }
    }

    LifecycleReport {
        end_ms,
        end: end_ms.map(format_iso),
        config: config.clone(),
        joiners: movement_report(
            out.joiners,
            out.joiners_followed,
            config.joiner_sla_ms,
            config,
        ),
        leavers: movement_report(
            out.leavers,
            out.leavers_followed,
            config.leaver_sla_ms,
            config,
        ),
        movers: movement_report(out.movers, out.movers_followed, config.mover_sla_ms, config),
        persons,
        orphans,
        pending_deprovisioning: pending,
        breaches,
        ambiguous,
    }
}

#[derive(Default)]
struct Outputs {
    joiners: Vec<Measure>,
    leavers: Vec<Measure>,
    movers: Vec<Measure>,
    joiners_followed: usize,
    leavers_followed: usize,
    movers_followed: usize,
}

fn person_name(store: &Store, chains: &Chains, accounts: &[u32]) -> String {
    // The most upstream account names the person.
    accounts
        .iter()
        .filter_map(|&a| chains.accounts.get(a as usize))
        .filter(|a| !a.name.is_empty())
        .min_by_key(|a| a.tier)
        .map(|a| store.str(a.name).to_string())
        .unwrap_or_default()
}

/// The last `:`-separated segment of an attribute name, lowercase (SCIM URNs → plain names).
fn short_name(name: &str) -> String {
    name.rsplit(':')
        .next()
        .unwrap_or(name)
        .trim()
        .to_lowercase()
}

/// Caches of per-symbol interpretations.
struct Ctx<'a> {
    store: &'a Store,
    config: &'a LifecycleConfig,
    /// Per attribute-name symbol: which followed attribute it is.
    attrs: HashMap<Sym, Option<usize>>,
    /// Per attribute-name symbol: does it switch the account on or off.
    switches: HashMap<Sym, Switch>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Switch {
    None,
    /// `accountEnabled`, `active`, `IsActive`: true means enabled.
    Enabled,
    /// `accountDisabled`: true means disabled (false is logged on every record, so ignored).
    Disabled,
}

fn truthy(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Some(false)
    } else {
        None
    }
}

impl<'a> Ctx<'a> {
    fn new(store: &'a Store, config: &'a LifecycleConfig) -> Ctx<'a> {
        Ctx {
            store,
            config,
            attrs: HashMap::default(),
            switches: HashMap::default(),
        }
    }

    fn attr(&mut self, name: Sym) -> Option<usize> {
        let store = self.store;
        let config = self.config;
        *self.attrs.entry(name).or_insert_with(|| {
            let short = short_name(store.str(name));
            config.mover_attributes.iter().position(|a| {
                a.name.eq_ignore_ascii_case(&short)
                    || a.aliases.iter().any(|x| short_name(x) == short)
            })
        })
    }

    fn switch(&mut self, name: Sym) -> Switch {
        let store = self.store;
        *self
            .switches
            .entry(name)
            .or_insert_with(|| match short_name(store.str(name)).as_str() {
                "accountenabled" | "active" | "isactive" => Switch::Enabled,
                "accountdisabled" => Switch::Disabled,
                _ => Switch::None,
            })
    }

    /// What the event did to the account; `None` for events that are not lifecycle changes.
    fn op(&mut self, e: &Event) -> Option<LifecycleOp> {
        match e.action {
            Action::Create => Some(LifecycleOp::Create),
            Action::Disable => Some(LifecycleOp::Disable),
            Action::Delete => Some(LifecycleOp::Delete),
            Action::StagedDelete => Some(LifecycleOp::StagedDelete),
            Action::Update => {
                let mut op = LifecycleOp::Update;
                for m in self.store.modified_of(e) {
                    let v = truthy(self.store.str(m.new));
                    match (self.switch(m.name), v) {
                        (Switch::Enabled, Some(false)) | (Switch::Disabled, Some(true)) => {
                            op = LifecycleOp::Disable;
                        }
                        (Switch::Enabled, Some(true)) => op = LifecycleOp::Enable,
                        _ => {}
                    }
                }
                Some(op)
            }
            Action::Other | Action::Unknown => None,
        }
    }

    /// The followed attribute changes an event carries: (attribute, normalized new value).
    fn changes(&mut self, e: &Event) -> Vec<(usize, String, Sym)> {
        let mut out = Vec::new();
        for m in self.store.modified_of(e) {
            if let Some(a) = self.attr(m.name) {
                out.push((a, self.store.str(m.new).trim().to_lowercase(), m.new));
            }
        }
        out
    }

    fn measure(&mut self, person: &Person, end: i64, out: &mut Outputs) {
        let targets: Vec<&Lane> = person
            .lanes
            .iter()
            .filter(|l| l.role == LaneRole::Target)
            .collect();
        let lifecycle = |e: &&LaneEntry| e.status != Status::Skipped && e.time_ms.is_some();
        let Some(origin) = targets
            .iter()
            .filter(|l| l.entries.iter().any(|e| lifecycle(&e)))
            .map(|l| l.tier)
            .min()
        else {
            return;
        };
        // The origin's events in time order.
        let mut upstream: Vec<&LaneEntry> = targets
            .iter()
            .filter(|l| l.tier == origin)
            .flat_map(|l| l.entries.iter())
            .filter(lifecycle)
            .collect();
        crate::core::sort::sort_by_key(&mut upstream, |e| (e.time_ms, e.event));
        let new_measure = |movement, anchor: &LaneEntry, t: i64, system: &str| Measure {
            movement,
            person: person.id,
            person_name: person.name.clone(),
            system: system.to_string(),
            upstream_event: anchor.event,
            upstream_ms: t,
            downstream_event: None,
            downstream_ms: None,
            latency_ms: end - t,
            attribute: None,
            value: None,
        };
        let complete = |m: &mut Measure, e: &LaneEntry| {
            let t = e.time_ms.unwrap_or(m.upstream_ms);
            m.downstream_event = Some(e.event);
            m.downstream_ms = Some(t);
            m.latency_ms = t - m.upstream_ms;
        };
        let at = |e: &LaneEntry, t: i64| e.time_ms.is_some_and(|x| x >= t);
        let ok = |e: &LaneEntry| e.status == Status::Success;

        // Joiners: from the first upstream create to the first successful create downstream.
        if let Some(anchor) = upstream.iter().find(|e| e.op == LifecycleOp::Create) {
            let t = anchor.time_ms.unwrap_or(end);
            out.joiners_followed += 1;
            for lane in &targets {
                let creates = lane
                    .entries
                    .iter()
                    .filter(|e| e.op == LifecycleOp::Create && at(e, t) && lifecycle(e));
                let mut m = new_measure(Movement::Joiner, anchor, t, &lane.system);
                let mut attempted = false;
                for e in creates {
                    attempted = true;
                    if ok(e) {
                        complete(&mut m, e);
                        break;
                    }
                }
                if attempted {
                    out.joiners.push(m);
                }
            }
        }

        // Leavers: from the first upstream disable or delete to the same downstream.
        let off = |op: LifecycleOp| matches!(op, LifecycleOp::Disable | LifecycleOp::Delete);
        if let Some(anchor) = upstream.iter().find(|e| off(e.op)) {
            let t = anchor.time_ms.unwrap_or(end);
            let rehired = upstream.iter().any(|e| {
                ok(e)
                    && at(e, t)
                    && e.event != anchor.event
                    && matches!(e.op, LifecycleOp::Create | LifecycleOp::Enable)
            });
            if !rehired {
                out.leavers_followed += 1;
                for lane in &targets {
                    let created_after = lane.entries.iter().any(|e| {
                        ok(e)
                            && at(e, t)
                            && matches!(e.op, LifecycleOp::Create | LifecycleOp::Enable)
                    });
                    if !(enabled_before(lane, t) || created_after) {
                        continue;
                    }
                    let mut m = new_measure(Movement::Leaver, anchor, t, &lane.system);
                    if let Some(e) = lane.entries.iter().find(|e| ok(e) && at(e, t) && off(e.op)) {
                        complete(&mut m, e);
                    }
                    out.leavers.push(m);
                }
            }
        }

        // Movers: each followed attribute change upstream, matched by attribute (and value).
        let mut anchors: Vec<(usize, String, Sym, &LaneEntry)> = Vec::new();
        for e in &upstream {
            if !matches!(
                e.op,
                LifecycleOp::Update | LifecycleOp::Enable | LifecycleOp::Disable
            ) {
                continue;
            }
            let Some(ev) = self.store.events.get(e.event as usize) else {
                continue;
            };
            for (a, v, raw) in self.changes(ev) {
                if !anchors.iter().any(|(x, y, _, _)| *x == a && *y == v) {
                    anchors.push((a, v, raw, e));
                }
            }
        }
        for (a, value, raw, anchor) in anchors {
            let t = anchor.time_ms.unwrap_or(end);
            let spec = self.config.mover_attributes.get(a);
            let match_value = spec.is_none_or(|s| s.match_value);
            out.movers_followed += 1;
            for lane in &targets {
                if !enabled_before(lane, t) {
                    continue;
                }
                let mut m = new_measure(Movement::Mover, anchor, t, &lane.system);
                m.attribute = spec.map(|s| s.name.clone());
                m.value = Some(self.store.str(raw).to_string());
                for e in lane.entries.iter().filter(|e| ok(e) && at(e, t)) {
                    let Some(ev) = self.store.events.get(e.event as usize) else {
                        continue;
                    };
                    let hit = self
                        .changes(ev)
                        .iter()
                        .any(|(x, v, _)| *x == a && (!match_value || *v == value));
                    if hit {
                        complete(&mut m, e);
                        break;
                    }
                }
                out.movers.push(m);
            }
        }
    }
}

/// Whether the account existed and was enabled just before `t`, as far as the lane tells.
fn enabled_before(lane: &Lane, t: i64) -> bool {
    let successes = || {
        lane.entries
            .iter()
            .filter(|e| e.status == Status::Success && e.time_ms.is_some())
    };
    let prior = match successes().next() {
        Some(first) => first.op != LifecycleOp::Create,
        // Only failed changes: a failed update or disable still means the object exists.
        None => lane.entries.iter().any(|e| {
            e.status != Status::Skipped
                && !matches!(e.op, LifecycleOp::Create | LifecycleOp::StagedDelete)
        }),
    };
    let mut state = prior;
    for e in successes().filter(|e| e.time_ms.is_some_and(|x| x < t)) {
        match e.op {
            LifecycleOp::Create | LifecycleOp::Enable => state = true,
            LifecycleOp::Disable | LifecycleOp::Delete => state = false,
            LifecycleOp::Update | LifecycleOp::StagedDelete => {}
        }
    }
    state
}

fn build_person(
    store: &Store,
    chains: &Chains,
    ops: &[Option<LifecycleOp>],
    (id, name): (u32, String),
    accounts: &[u32],
    link_indices: &[usize],
) -> Person {
    let s = |sym: Sym| store.str(sym).to_string();
    // Sets, in order: the values are unit.
    let mut upns = VecMap::new();
    let mut workers = VecMap::new();
    let mut refs = Vec::new();
    let mut lanes: Vec<Lane> = Vec::new();
    for &a in accounts {
        let Some(acc) = chains.accounts.get(a as usize) else {
            continue;
        };
        for &w in &acc.worker_ids {
            workers.insert(s(w), ());
        }
        refs.push(AccountRef {
            job_id: s(acc.job),
            source_system: system_name(store.str(acc.source_system)).to_string(),
            target_system: system_name(store.str(acc.target_system)).to_string(),
            source_id: s(acc.source_id),
            target_id: s(acc.target_id),
        });
        for &i in &acc.events {
            let Some(e) = store.events.get(i as usize) else {
                continue;
            };
            for u in [e.source.upn, e.target.upn] {
                if !u.is_empty() {
                    upns.insert(store.str(u).to_lowercase(), ());
                }
            }
            let Some(op) = ops.get(i as usize).copied().flatten() else {
                continue;
            };
            let entry = LaneEntry {
                time: e.time_ms.map(format_iso),
                time_ms: e.time_ms,
                op,
                status: e.status,
                job_id: s(job_key(e)),
                error_code: s(e.error_code),
                event: i,
            };
            let target = (
                LaneRole::Target,
                system_name(store.str(e.target_system.name)),
                acc.tier,
            );
            let source = (acc.tier == 0).then(|| {
                (
                    LaneRole::Source,
                    system_name(store.str(e.source_system.name)),
                    0,
                )
            });
            for (role, system, tier) in std::iter::once(target).chain(source) {
                // A person has a handful of lanes: a scan beats hashing an owned key.
                let l = match lanes
                    .iter()
                    .position(|l| l.role == role && l.system == system)
                {
                    Some(l) => l,
                    None => {
                        lanes.push(Lane {
                            system: system.to_string(),
                            role,
                            tier,
                            entries: Vec::new(),
                            enabled_at_end: None,
                        });
                        lanes.len() - 1
                    }
                };
                if let Some(lane) = lanes.get_mut(l) {
                    lane.tier = lane.tier.min(tier);
                    lane.entries.push(entry.clone());
                }
            }
        }
    }
    for lane in &mut lanes {
        crate::core::sort::sort_by_key(&mut lane.entries, |e| (e.time_ms, e.event));
        let has_any = lane.entries.iter().any(|e| e.status != Status::Skipped);
        lane.enabled_at_end = has_any.then(|| enabled_before(lane, i64::MAX));
    }
    crate::core::sort::sort_by(&mut lanes, |a, b| {
        (a.role, a.tier, &a.system).cmp(&(b.role, b.tier, &b.system))
    });
    // Source lanes (HR) first.
    crate::core::sort::sort_by_key(&mut lanes, |l| l.role != LaneRole::Source);
    let position = |a: u32| accounts.iter().position(|&x| x == a).map(|p| p as u32);
    let links = link_indices
        .iter()
        .filter_map(|&i| chains.links.get(i))
        .filter_map(|l| {
            Some(Link {
                key: l.key,
                value: l.value.clone(),
                from: position(l.from)?,
                to: position(l.to)?,
            })
        })
        .collect();
    Person {
        id,
        name,
        upns: upns.into_iter().map(|(u, ())| u).collect(),
        worker_ids: workers.into_iter().map(|(w, ())| w).collect(),
        accounts: refs,
        links,
        lanes,
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).copied().unwrap_or(0)
}

fn movement_report(
    mut all: Vec<Measure>,
    followed: usize,
    sla_ms: i64,
    config: &LifecycleConfig,
) -> MovementReport {
    crate::core::sort::sort_by(&mut all, |a, b| {
        (a.person, &a.system, a.upstream_ms, &a.attribute).cmp(&(
            b.person,
            &b.system,
            b.upstream_ms,
            &b.attribute,
        ))
    });
    let (completed, mut open): (Vec<Measure>, Vec<Measure>) =
        all.into_iter().partition(Measure::completed);
    crate::core::sort::sort_by(&mut open, |a, b| {
        (b.latency_ms, a.person, &a.system).cmp(&(a.latency_ms, b.person, &b.system))
    });
    let mut systems: Vec<String> = completed
        .iter()
        .chain(&open)
        .map(|m| m.system.clone())
        .collect();
    crate::core::sort::sort(&mut systems);
    systems.dedup();
    let by_system = systems
        .into_iter()
        .map(|system| {
            let mine: Vec<&Measure> = completed.iter().filter(|m| m.system == system).collect();
            let mut lat: Vec<i64> = mine.iter().map(|m| m.latency_ms).collect();
            crate::core::sort::sort(&mut lat);
            let mut slowest: Vec<Measure> = mine.iter().map(|m| (*m).clone()).collect();
            crate::core::sort::sort_by(&mut slowest, |a, b| {
                (b.latency_ms, a.person).cmp(&(a.latency_ms, b.person))
            });
            slowest.truncate(config.slowest);
            SystemLatency {
                count: lat.len(),
                median_ms: percentile(&lat, 0.5),
                p90_ms: percentile(&lat, 0.9),
                max_ms: lat.last().copied().unwrap_or(0),
                over_sla: lat.iter().filter(|&&x| x > sla_ms).count(),
                open: open.iter().filter(|m| m.system == system).count(),
                slowest,
                system,
            }
        })
        .collect();
    MovementReport {
        sla_ms,
        followed,
        by_system,
        completed,
        open,
    }
}

fn evidence(store: &Store, event: u32, system: &str, note: String) -> Evidence {
    Evidence {
        event,
        time: store
            .events
            .get(event as usize)
            .and_then(|e| e.time_ms)
            .map(format_iso),
        system: system.to_string(),
        note,
    }
}

fn upstream_system(store: &Store, event: u32) -> String {
    store
        .events
        .get(event as usize)
        .map(|e| system_name(store.str(e.source_system.name)).to_string())
        .unwrap_or_default()
}

fn breach(store: &Store, m: &Measure, sla_ms: i64) -> LifecycleIssue {
    let late = format_duration_ms(m.latency_ms);
    let limit = format_duration_ms(sla_ms);
    let from = upstream_system(store, m.upstream_event);
    let who = &m.person_name;
    let (kind, severity, title, explanation, action) = match (m.movement, m.completed()) {
        (Movement::Joiner, true) => (
            IssueKind::JoinerSla,
            Severity::Medium,
            format!("Joiner {who}: {} account created {late} after {from}", m.system),
            format!("{who} was created in {from} and the account in {} followed {late} later; the joiner SLA is {limit}.", m.system),
            format!("Check why the {} job picked the new hire up late: failed attempts, escrow retries, scoping or assignment that came late.", m.system),
        ),
        (Movement::Joiner, false) => (
            IssueKind::JoinerSla,
            Severity::Medium,
            format!("Joiner {who}: never created in {} ({late} since {from})", m.system),
            format!("{who} was created in {from}, and creating the account in {} was attempted but never succeeded within the data; the joiner SLA is {limit}.", m.system),
            format!("Open the failed create events in {} and fix their error; then provision on demand.", m.system),
        ),
        // Access that was removed late is a breach to look at; access never removed is an
        // orphan, reported on its own at high severity.
        (Movement::Leaver, _) => (
            IssueKind::LeaverSla,
            Severity::Medium,
            format!("Leaver {who}: {} account disabled {late} after {from}", m.system),
            format!("{who} left in {from} and kept access to {} for {late}; the leaver SLA is {limit}.", m.system),
            format!("Check the {} job's cycle and failures around the disable; consider provisioning on demand for terminations.", m.system),
        ),
        (Movement::Mover, done) => {
            let attr = m.attribute.clone().unwrap_or_default();
            let value = m.value.clone().unwrap_or_default();
            let title = if done {
                format!("Mover {who}: {attr} reached {} after {late}", m.system)
            } else {
                format!("Mover {who}: {attr} change never reached {} ({late} since {from})", m.system)
            };
            (
                IssueKind::MoverSla,
                Severity::Low,
                title,
                format!("{who}'s {attr} changed to `{value}` in {from}; the change {} {}; the mover SLA is {limit}.", if done { "reached" } else { "had not reached" }, m.system),
                format!("Check the attribute mapping for {attr} in the job writing to {} and whether the change was exported.", m.system),
            )
        }
    };
    let mut ev = vec![evidence(
        store,
        m.upstream_event,
        &from,
        format!("upstream {}", m.movement.as_str()),
    )];
    if let Some(d) = m.downstream_event {
        ev.push(evidence(store, d, &m.system, "downstream".into()));
    }
    // A change that completed within twice its SLA was late, not lost: one escrow retry on a
    // 40-minute cycle is enough to miss a one-hour SLA.
    let severity = if m.completed() && m.latency_ms <= 2 * sla_ms {
        Severity::Low
    } else {
        severity
    };
    LifecycleIssue {
        kind,
        severity,
        title,
        explanation,
        evidence: ev,
        recommended_action: action,
        person: m.person,
        person_name: m.person_name.clone(),
        systems: vec![m.system.clone()],
        latency_ms: m.latency_ms,
        sla_ms,
    }
}

fn orphan(
    store: &Store,
    persons: &[Person],
    group: &[&Measure],
    sla_ms: i64,
) -> Option<LifecycleIssue> {
    let first = group.first()?;
    let systems: Vec<String> = group.iter().map(|m| m.system.clone()).collect();
    let from = upstream_system(store, first.upstream_event);
    let since = format_duration_ms(first.latency_ms);
    let who = &first.person_name;
    let mut ev = vec![evidence(
        store,
        first.upstream_event,
        &from,
        "disabled upstream".into(),
    )];
    if let Some(p) = persons.get(first.person as usize) {
        for system in &systems {
            let last = p
                .lanes
                .iter()
                .find(|l| l.role == LaneRole::Target && &l.system == system)
                .and_then(|l| l.entries.last());
            if let Some(e) = last {
                ev.push(evidence(
                    store,
                    e.event,
                    system,
                    format!("last event: {} {}", e.op.as_str(), e.status.as_str()),
                ));
            }
        }
    }
    Some(LifecycleIssue {
        kind: IssueKind::OrphanedAccess,
        severity: Severity::High,
        title: format!("Orphaned access: {who} still enabled in {}", systems.join(", ")),
        explanation: format!(
            "{who} was disabled in {from} {since} before the end of the data, but the accounts in {} were never disabled or deleted; the leaver SLA is {}.",
            systems.join(", "),
            format_duration_ms(sla_ms)
        ),
        evidence: ev,
        recommended_action: "Disable the accounts now; then find why the deprovisioning did not flow (scoping, assignment, failed or missing disable events) and whether the app's job processes disables.".into(),
        person: first.person,
        person_name: who.clone(),
        systems,
        latency_ms: first.latency_ms,
        sla_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(percentile(&v, 0.5), 5);
        assert_eq!(percentile(&v, 0.9), 9);
        assert_eq!(percentile(&[42], 0.9), 42);
        assert_eq!(percentile(&[], 0.5), 0);
    }

    #[test]
    fn attribute_names_match_across_systems() {
        assert_eq!(
            short_name("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"),
            "department"
        );
        let config = LifecycleConfig::default();
        let mut s = Store::default();
        let names = ["jobTitle", "Title", "ManagerId", "telephoneNumber"];
        let syms: Vec<Sym> = names.iter().map(|n| s.strings.intern(n)).collect();
        let mut ctx = Ctx::new(&s, &config);
        let got: Vec<Option<usize>> = syms.iter().map(|&n| ctx.attr(n)).collect();
        assert_eq!(got, vec![Some(1), Some(1), Some(2), None]);
    }
}
