//! What every rule needs, computed once: each job's events in time order, its cycles in order,
//! the data set's end ("now"), and helpers that turn events into evidence.

use std::collections::{HashMap, HashSet};

use crate::core::analyze::dims::{identity_key, job_key, system_name};
use crate::core::findings::{Evidence, Figure, FindingsConfig};
use crate::core::kb::{self, KbEntry};
use crate::core::model::{Event, Status, Store, Sym};
use crate::core::time::format_iso;
use crate::core::vecmap::VecMap;

/// One cycle of one job: consecutive events sharing a cycle id (or, without ids, a burst).
#[derive(Clone, Debug)]
pub struct Cycle {
    pub id: String,
    pub start_ms: i64,
    pub end_ms: i64,
    /// Event indices in time order.
    pub events: Vec<u32>,
}

/// One job and its timed events.
#[derive(Clone, Debug)]
pub struct Job {
    /// The job id, else the application's name.
    pub id: String,
    /// A readable name: the application, else the target system, else the id.
    pub label: String,
    /// Event indices with a time, in time order.
    pub events: Vec<u32>,
    /// Cycles ordered by start.
    pub cycles: Vec<Cycle>,
    /// For each entry of `events`, the index of its cycle in `cycles`.
    pub cycle_of: HashMap<u32, usize>,
}

/// Shared, precomputed view of the data for the rules.
pub struct Context<'a> {
    pub store: &'a Store,
    pub config: &'a FindingsConfig,
    /// Earliest and latest event time of the whole data set.
    pub data_start_ms: Option<i64>,
    pub data_end_ms: Option<i64>,
    /// Jobs ordered by id.
    pub jobs: Vec<Job>,
}

impl<'a> Context<'a> {
    pub fn new(store: &'a Store, config: &'a FindingsConfig) -> Context<'a> {
        let mut by_job: HashMap<Sym, Vec<u32>> = HashMap::new();
        let mut start = None::<i64>;
        let mut end = None::<i64>;
        for (i, e) in store.events.iter().enumerate() {
            let Some(t) = e.time_ms else { continue };
            start = Some(start.map_or(t, |s| s.min(t)));
            end = Some(end.map_or(t, |s| s.max(t)));
            let Ok(i) = u32::try_from(i) else { continue };
            by_job.entry(job_key(e)).or_default().push(i);
        }
        let mut jobs: Vec<Job> = by_job
            .into_iter()
            .map(|(key, mut events)| {
                crate::core::sort::sort_by_key(&mut events, |&i| (time(store, i), i));
                build_job(store, config, key, events)
            })
            .collect();
        crate::core::sort::sort_by(&mut jobs, |a, b| a.id.cmp(&b.id));
        Context {
            store,
            config,
            data_start_ms: start,
            data_end_ms: end,
            jobs,
        }
    }

    pub fn event(&self, i: u32) -> Option<&'a Event> {
        self.store.events.get(i as usize)
    }

    /// Iterates a list of event indices as events.
    pub fn events<'b>(&'b self, ix: &'b [u32]) -> impl Iterator<Item = (u32, &'a Event)> + 'b {
        ix.iter().filter_map(|&i| self.event(i).map(|e| (i, e)))
    }

    pub fn str(&self, sym: Sym) -> &'a str {
        self.store.str(sym)
    }

    /// A new evidence builder for a job.
    pub fn evidence(&self, job_id: &str) -> EvidenceBuilder<'_, 'a> {
        EvidenceBuilder {
            ctx: self,
            job_id: job_id.to_string(),
            first: None,
            last: None,
            identities: Vec::new(),
            seen: HashSet::new(),
            events: Vec::new(),
            count: 0,
            figures: VecMap::new(),
        }
    }

    /// How an identity is shown: `Name (upn)`, else the first name or id the event has.
    pub fn identity_label(&self, e: &Event) -> String {
        let s = |sym: Sym| self.str(sym);
        let (name, upn) = (s(e.source.name), s(e.source.upn));
        if !name.is_empty() && !upn.is_empty() && name != upn {
            return format!("{name} ({upn})");
        }
        [
            e.source.upn,
            e.source.name,
            e.source.id,
            e.reportable_id,
            e.target.upn,
            e.target.name,
            e.target.id,
        ]
        .into_iter()
        .map(s)
        .find(|t| !t.is_empty())
        .unwrap_or("")
        .to_string()
    }

    /// The identity an event concerns, falling back to the target side when the source has
    /// nothing (some inbound exports only name the target).
    pub fn identity(&self, e: &Event) -> Sym {
        let k = identity_key(e);
        if k.is_empty() {
            [e.target.id, e.target.upn, e.target.name]
                .into_iter()
                .find(|s| !s.is_empty())
                .unwrap_or(Sym::EMPTY)
        } else {
            k
        }
    }

    /// The knowledge-base entry for an event's failure: by code, else by its text.
    pub fn kb_entry(&self, e: &Event) -> Option<&'static KbEntry> {
        kb::lookup(self.str(e.error_code)).or_else(|| {
            let descriptions: Vec<&str> = self
                .store
                .steps_of(e)
                .iter()
                .map(|st| self.str(st.description))
                .collect();
            kb::lookup_text(self.str(e.error_reason), &descriptions)
        })
    }

    /// The error code to show for an event: its code, else the knowledge base's, else `(none)`.
    pub fn error_label(&self, e: &Event) -> String {
        let code = self.str(e.error_code);
        if !code.is_empty() {
            return code.to_string();
        }
        self.kb_entry(e)
            .map_or_else(|| "(no error code)".to_string(), |k| k.code.to_string())
    }

    /// A credential failure: the quarantine precursor (401, Unauthorized, InvalidCredential,
    /// ExpiredCredentials).
    pub fn is_credential_failure(&self, e: &Event) -> bool {
        if e.status != Status::Failure {
            return false;
        }
        if self.kb_entry(e).is_some_and(|k| k.credential) {
            return true;
        }
        let code = self.str(e.error_code).to_ascii_lowercase();
        ["unauthorized", "invalidcredential", "expiredcredential"]
            .iter()
            .any(|p| code.contains(p))
            || code == "401"
    }

    /// The recommended action for an error code, from the knowledge base.
    pub fn fix_for_code(&self, code: &str) -> Option<&'static str> {
        kb::lookup(code).map(|k| k.fix).filter(|f| !f.is_empty())
    }
}

fn time(store: &Store, i: u32) -> i64 {
    store
        .events
        .get(i as usize)
        .and_then(|e| e.time_ms)
        .unwrap_or(i64::MAX)
}

fn build_job(store: &Store, config: &FindingsConfig, key: Sym, events: Vec<u32>) -> Job {
    let first = events.first().and_then(|&i| store.events.get(i as usize));
    let label = first
        .map(|e| {
            let sp = store.str(e.service_principal.name);
            let target = system_name(store.str(e.target_system.name));
            if !sp.is_empty() {
                sp.to_string()
            } else if !target.is_empty() {
                target.to_string()
            } else {
                store.str(key).to_string()
            }
        })
        .unwrap_or_default();
    let label = if label.is_empty() {
        "(unnamed job)".to_string()
    } else {
        label
    };
    // Cycles: by cycle id where the export has them, else bursts split at pauses.
    let split_ms = i64::from(config.cycle_split_gap_min) * 60_000;
    let mut by_id: HashMap<Sym, usize> = HashMap::new();
    let mut cycles: Vec<Cycle> = Vec::new();
    let mut cycle_of = HashMap::new();
    let mut burst: Option<usize> = None;
    let mut last_t = i64::MIN;
    for &i in &events {
        let Some(e) = store.events.get(i as usize) else {
            continue;
        };
        let t = e.time_ms.unwrap_or(0);
        let c = if e.cycle_id.is_empty() {
            let open = burst.filter(|_| t.saturating_sub(last_t) <= split_ms);
            match open {
                Some(c) => c,
                None => {
                    cycles.push(new_cycle(format!("(burst at {})", format_iso(t)), t));
                    let c = cycles.len() - 1;
                    burst = Some(c);
                    c
                }
            }
        } else {
            *by_id.entry(e.cycle_id).or_insert_with(|| {
                cycles.push(new_cycle(store.str(e.cycle_id).to_string(), t));
                cycles.len() - 1
            })
        };
        if e.cycle_id.is_empty() {
            last_t = t;
        }
        if let Some(cy) = cycles.get_mut(c) {
            cy.start_ms = cy.start_ms.min(t);
            cy.end_ms = cy.end_ms.max(t);
            cy.events.push(i);
        }
        cycle_of.insert(i, c);
    }
    // Order cycles by start and renumber the event → cycle map.
    let mut order: Vec<usize> = (0..cycles.len()).collect();
    crate::core::sort::sort_by(&mut order, |&a, &b| {
        let (ca, cb) = (&cycles[a], &cycles[b]);
        ca.start_ms.cmp(&cb.start_ms).then(ca.id.cmp(&cb.id))
    });
    let mut new_index = vec![0usize; cycles.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Cycle>> = cycles.into_iter().map(Some).collect();
    let cycles: Vec<Cycle> = order
        .iter()
        .filter_map(|&old| slots.get_mut(old).and_then(Option::take))
        .collect();
    for c in cycle_of.values_mut() {
        *c = new_index.get(*c).copied().unwrap_or(0);
    }
    Job {
        id: store.str(key).to_string(),
        label,
        events,
        cycles,
        cycle_of,
    }
}

fn new_cycle(id: String, t: i64) -> Cycle {
    Cycle {
        id,
        start_ms: t,
        end_ms: t,
        events: Vec::new(),
    }
}

/// Collects evidence: the time window, identities (first seen first), events and figures.
pub struct EvidenceBuilder<'c, 'a> {
    ctx: &'c Context<'a>,
    job_id: String,
    first: Option<i64>,
    last: Option<i64>,
    identities: Vec<String>,
    seen: HashSet<String>,
    events: Vec<u32>,
    count: u64,
    figures: VecMap<String, Figure>,
}

impl EvidenceBuilder<'_, '_> {
    /// Adds an event: its time widens the window, its identity joins the list.
    pub fn event(&mut self, i: u32) -> &mut Self {
        if let Some(e) = self.ctx.event(i) {
            if let Some(t) = e.time_ms {
                self.window(t);
            }
            let who = self.ctx.identity_label(e);
            self.identity(who);
            self.events.push(i);
        }
        self
    }

    pub fn events(&mut self, ix: &[u32]) -> &mut Self {
        for &i in ix {
            self.event(i);
        }
        self
    }

    /// Adds an event without naming its identity (for evidence about a whole job).
    pub fn event_only(&mut self, i: u32) -> &mut Self {
        if let Some(e) = self.ctx.event(i) {
            if let Some(t) = e.time_ms {
                self.window(t);
            }
            self.events.push(i);
        }
        self
    }

    pub fn window(&mut self, t: i64) -> &mut Self {
        self.first = Some(self.first.map_or(t, |f| f.min(t)));
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
        self
    }

    pub fn identity(&mut self, who: String) -> &mut Self {
        if !who.is_empty() && self.seen.insert(who.clone()) {
            self.identities.push(who);
        }
        self
    }

    pub fn count(&mut self, n: u64) -> &mut Self {
        self.count = n;
        self
    }

    pub fn figure(&mut self, name: &str, value: impl Into<Figure>) -> &mut Self {
        self.figures.insert(name.to_string(), value.into());
        self
    }

    pub fn build(&mut self) -> Evidence {
        let cap = self.ctx.config.evidence_cap as usize;
        let store = self.ctx.store;
        let mut events = std::mem::take(&mut self.events);
        crate::core::sort::sort_by_key(&mut events, |&i| (time(store, i), i));
        events.dedup();
        let event_total = events.len() as u64;
        events.truncate(cap);
        let identities = std::mem::take(&mut self.identities);
        Evidence {
            first: self.first.map(format_iso),
            last: self.last.map(format_iso),
            first_ms: self.first,
            job_id: self.job_id.clone(),
            identity_total: identities.len() as u64,
            identities: identities.into_iter().take(cap).collect(),
            count: self.count,
            event_ids: events
                .iter()
                .map(|&i| {
                    let id = self.ctx.event(i).map_or("", |e| self.ctx.str(e.id));
                    if id.is_empty() {
                        format!("#{i}")
                    } else {
                        id.to_string()
                    }
                })
                .collect(),
            event_indices: events,
            event_total,
            figures: std::mem::take(&mut self.figures),
        }
    }
}

/// `1,234` style thousands separators for titles.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 identity`, `3 identities`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}
