//! Identity chaining across jobs: which accounts (one object in one job) belong to one person.
//!
//! Accounts are joined by the keys the logs carry, strongest first: a target id of one job that is
//! the source id of another, the HR worker id, the UPN or mail, and the display name as a last
//! resort. A person holds at most one object per job, so a join that would put two different
//! objects of one job into one chain is refused and reported as ambiguous, never merged.

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use crate::core::analyze::dims::{event_scenario, identity_key, identity_type, job_key, Scenario};
use crate::core::model::{Event, Store, Sym};

/// The key that joined two accounts of one person.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum LinkKey {
    /// The target object id of one job is the source object id of another.
    #[default]
    TargetIdToSourceId,
    /// The HR worker id (`JoiningProperty`, `employeeId`, the HR job's reportable identifier).
    WorkerId,
    /// The user principal name or mail address.
    Upn,
    /// The display name, used only when it is unique on both sides.
    DisplayName,
}

impl LinkKey {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKey::TargetIdToSourceId => "target_id→source_id",
            LinkKey::WorkerId => "worker_id",
            LinkKey::Upn => "upn",
            LinkKey::DisplayName => "display_name",
        }
    }

    /// The key as people read it.
    pub fn label(self) -> &'static str {
        match self {
            LinkKey::TargetIdToSourceId => "target id = source id",
            LinkKey::WorkerId => "worker id",
            LinkKey::Upn => "UPN",
            LinkKey::DisplayName => "display name",
        }
    }
}

/// Where an event sits in the flow: HR inbound first, then cloud sync, then apps.
pub fn tier(scenario: Scenario) -> u8 {
    match scenario {
        Scenario::HrInbound => 0,
        Scenario::CloudSync => 1,
        Scenario::AppProvisioning | Scenario::CrossTenant | Scenario::Unknown => 2,
    }
}

/// One object in one job, with every key its events carry.
#[derive(Clone, Debug, Default)]
pub struct Account {
    pub job: Sym,
    /// The key that names the object within its job (see [`identity_key`]).
    pub key: Sym,
    pub source_id: Sym,
    pub target_id: Sym,
    pub tier: u8,
    pub source_system: Sym,
    pub target_system: Sym,
    pub name: Sym,
    /// Event indices, in store order.
    pub events: Vec<u32>,
    source_ids: Vec<u32>,
    target_ids: Vec<u32>,
    upns: Vec<u32>,
    workers: Vec<u32>,
    names: Vec<u32>,
    /// The worker ids as written (one per distinct value).
    pub worker_ids: Vec<Sym>,
}

/// A join between two accounts.
#[derive(Clone, Debug)]
pub struct RawLink {
    pub key: LinkKey,
    pub value: String,
    pub from: u32,
    pub to: u32,
}

/// A key that would have joined accounts that cannot be one person.
#[derive(Clone, Debug)]
pub struct RawAmbiguity {
    pub key: LinkKey,
    pub value: String,
    pub accounts: Vec<u32>,
    pub reason: String,
}

/// The accounts and how they chain into persons.
#[derive(Clone, Debug, Default)]
pub struct Chains {
    pub accounts: Vec<Account>,
    /// Per account, its person (dense numbering in account order).
    pub person_of: Vec<u32>,
    pub persons: usize,
    pub links: Vec<RawLink>,
    pub ambiguous: Vec<RawAmbiguity>,
}

/// Case-insensitive canonical numbers for key text, computed once per interned string.
#[derive(Default)]
struct Canon {
    /// Per symbol: `UNSEEN`, `NONE` (blank), or the canonical number.
    by_sym: Vec<u32>,
    by_text: HashMap<String, u32>,
    texts: Vec<String>,
}

const UNSEEN: u32 = u32::MAX;
const NONE: u32 = u32::MAX - 1;

impl Canon {
    fn new(store: &Store) -> Canon {
        Canon {
            by_sym: vec![UNSEEN; store.strings.len()],
            ..Canon::default()
        }
    }

    fn get(&mut self, store: &Store, sym: Sym) -> Option<u32> {
        if sym.is_empty() {
            return None;
        }
        let cached = self.by_sym.get(sym.0 as usize).copied().unwrap_or(UNSEEN);
        if cached != UNSEEN {
            return (cached != NONE).then_some(cached);
        }
        let raw = store.str(sym).trim();
        let lowered;
        let text = if raw.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            lowered = raw.to_lowercase();
            lowered.as_str()
        } else {
            raw
        };
        let c = if text.is_empty() {
            NONE
        } else if let Some(&c) = self.by_text.get(text) {
            c
        } else {
            let c = self.texts.len() as u32;
            self.texts.push(text.to_string());
            self.by_text.insert(text.to_string(), c);
            c
        };
        if let Some(slot) = self.by_sym.get_mut(sym.0 as usize) {
            *slot = c;
        }
        (c != NONE).then_some(c)
    }

    fn text(&self, c: u32) -> &str {
        self.texts.get(c as usize).map_or("", |s| s)
    }
}

/// What a step-detail or modified-property name says about its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Unseen,
    None,
    SourceAnchor,
    TargetAnchor,
    Upn,
    Worker,
}

fn role_of(name: &str) -> Role {
    let n = name.trim();
    let is = |k: &str| n.eq_ignore_ascii_case(k);
    if is("SourceAnchor") {
        Role::SourceAnchor
    } else if is("TargetAnchor") {
        Role::TargetAnchor
    } else if is("userPrincipalName") || is("mail") || is("email") {
        Role::Upn
    } else if is("JoiningProperty")
        || is("employeeId")
        || is("WorkerID")
        || is("employeeNumber")
        || is("WorkerId")
    {
        Role::Worker
    } else {
        Role::None
    }
}

/// Roles per symbol index: step details repeat the same few key names a million times.
struct Roles(Vec<Role>);

impl Roles {
    fn get(&mut self, store: &Store, sym: Sym) -> Role {
        match self.0.get(sym.0 as usize).copied() {
            Some(Role::Unseen) => {
                let r = role_of(store.str(sym));
                if let Some(slot) = self.0.get_mut(sym.0 as usize) {
                    *slot = r;
                }
                r
            }
            Some(r) => r,
            None => role_of(store.str(sym)),
        }
    }
}

fn push_unique(v: &mut Vec<u32>, c: Option<u32>) {
    if let Some(c) = c {
        if !v.contains(&c) {
            v.push(c);
        }
    }
}

/// True when the event concerns a group (or another non-person object).
fn is_group(store: &Store, e: &Event, cache: &mut HashMap<Sym, bool>) -> bool {
    [e.source.kind, e.target.kind].into_iter().any(|k| {
        !k.is_empty()
            && *cache.entry(k).or_insert_with(|| {
                let t = identity_type(store.str(k));
                t == "group" || t == "serviceprincipal" || t == "rolescompound"
            })
    })
}

/// Union-find over accounts; each component knows the jobs its objects live in.
struct Uf {
    parent: Vec<u32>,
    /// Sorted jobs (by symbol) of the component's accounts that have a source id.
    jobs: Vec<Vec<Sym>>,
    /// The component carries a UPN or worker id (display-name joins then need care).
    strong: Vec<bool>,
}

impl Uf {
    fn find(&mut self, mut a: u32) -> u32 {
        while let Some(&p) = self.parent.get(a as usize) {
            if p == a {
                break;
            }
            let gp = self.parent.get(p as usize).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(a as usize) {
                *slot = gp;
            }
            a = p;
        }
        a
    }

    fn conflicts(&self, ra: u32, rb: u32) -> bool {
        let (Some(ja), Some(jb)) = (self.jobs.get(ra as usize), self.jobs.get(rb as usize)) else {
            return false;
        };
        ja.iter().any(|j| jb.binary_search(j).is_ok())
    }

    /// Joins two components; `Err` when they hold different objects of one job.
    fn union(&mut self, a: u32, b: u32) -> Result<bool, ()> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Ok(false);
        }
        if self.conflicts(ra, rb) {
            return Err(());
        }
        let (keep, gone) = if ra < rb { (ra, rb) } else { (rb, ra) };
        let moved = self
            .jobs
            .get_mut(gone as usize)
            .map(std::mem::take)
            .unwrap_or_default();
        if let Some(j) = self.jobs.get_mut(keep as usize) {
            j.extend(moved);
            crate::core::sort::sort(j);
            j.dedup();
        }
        let strong = self.strong.get(gone as usize).copied().unwrap_or(false);
        if let Some(s) = self.strong.get_mut(keep as usize) {
            *s |= strong;
        }
        if let Some(p) = self.parent.get_mut(gone as usize) {
            *p = keep;
        }
        Ok(true)
    }
}

/// Builds accounts from the store's user events and chains them into persons.
pub fn chain(store: &Store) -> Chains {
    let mut canon = Canon::new(store);
    let mut roles = Roles(vec![Role::Unseen; store.strings.len()]);
    let mut group_cache: HashMap<Sym, bool> = HashMap::default();
    let mut tiers: HashMap<Sym, u8> = HashMap::default();
    let mut index: HashMap<(Sym, Sym), u32> = HashMap::default();
    let mut accounts: Vec<Account> = Vec::new();

    for (i, e) in store.events.iter().enumerate() {
        if is_group(store, e, &mut group_cache) {
            continue;
        }
        let key = identity_key(e);
        if key.is_empty() {
            continue;
        }
        let job = job_key(e);
        let t = *tiers
            .entry(job)
            .or_insert_with(|| tier(event_scenario(store, e)));
        let a = *index.entry((job, key)).or_insert_with(|| {
            accounts.push(Account {
                job,
                key,
                tier: t,
                source_system: e.source_system.name,
                target_system: e.target_system.name,
                ..Account::default()
            });
            (accounts.len() - 1) as u32
        });
        let Some(acc) = accounts.get_mut(a as usize) else {
            continue;
        };
        acc.events.push(i as u32);
        if acc.source_id.is_empty() {
            acc.source_id = e.source.id;
        }
        if !e.target.id.is_empty() {
            acc.target_id = e.target.id;
        }
        if acc.name.is_empty() {
            acc.name = e.source.name;
        }
        push_unique(&mut acc.source_ids, canon.get(store, e.source.id));
        push_unique(&mut acc.target_ids, canon.get(store, e.target.id));
        for upn in [e.source.upn, e.target.upn] {
            push_unique(&mut acc.upns, canon.get(store, upn));
        }
        for n in [e.source.name, e.target.name] {
            push_unique(&mut acc.names, canon.get(store, n));
        }
        if t == 0 {
            add_worker(store, &mut canon, acc, e.reportable_id);
        }
        for step in store.steps_of(e) {
            for &(k, v) in store.details_of(step) {
                add_role(store, &mut canon, &mut roles, acc, k, v);
            }
        }
        for m in store.modified_of(e) {
            add_role(store, &mut canon, &mut roles, acc, m.name, m.new);
        }
    }
    link(accounts, &canon)
}

fn add_role(
    store: &Store,
    canon: &mut Canon,
    roles: &mut Roles,
    acc: &mut Account,
    k: Sym,
    v: Sym,
) {
    if v.is_empty() {
        return;
    }
    match roles.get(store, k) {
        Role::None | Role::Unseen => {}
        Role::SourceAnchor => push_unique(&mut acc.source_ids, canon.get(store, v)),
        Role::TargetAnchor => push_unique(&mut acc.target_ids, canon.get(store, v)),
        Role::Upn => {
            if store.str(v).contains('@') {
                push_unique(&mut acc.upns, canon.get(store, v));
            }
        }
        Role::Worker => add_worker(store, canon, acc, v),
    }
}

fn add_worker(store: &Store, canon: &mut Canon, acc: &mut Account, v: Sym) {
    if let Some(c) = canon.get(store, v) {
        if !acc.workers.contains(&c) {
            acc.workers.push(c);
            acc.worker_ids.push(v);
        }
    }
}

/// Accounts grouped by one kind of key value, in account order.
fn groups(accounts: &[Account], keys: impl Fn(&Account) -> &[u32]) -> Vec<(u32, Vec<u32>)> {
    let mut map: HashMap<u32, Vec<u32>> = HashMap::default();
    let mut order: Vec<u32> = Vec::new();
    for (a, acc) in accounts.iter().enumerate() {
        for &k in keys(acc) {
            let v = map.entry(k).or_insert_with(|| {
                order.push(k);
                Vec::new()
            });
            v.push(a as u32);
        }
    }
    order
        .into_iter()
        .filter_map(|k| map.remove(&k).map(|v| (k, v)))
        .filter(|(_, v)| v.len() > 1)
        .collect()
}

fn link(accounts: Vec<Account>, canon: &Canon) -> Chains {
    let n = accounts.len();
    let mut uf = Uf {
        parent: (0..n as u32).collect(),
        jobs: accounts
            .iter()
            .map(|a| {
                if a.source_id.is_empty() {
                    Vec::new()
                } else {
                    vec![a.job]
                }
            })
            .collect(),
        strong: accounts
            .iter()
            .map(|a| !a.upns.is_empty() || !a.workers.is_empty())
            .collect(),
    };
    let mut links = Vec::new();
    let mut ambiguous = Vec::new();

    // 1. A target id of one job that is the source id of another.
    let mut by_source: HashMap<u32, Vec<u32>> = HashMap::default();
    for (a, acc) in accounts.iter().enumerate() {
        for &s in &acc.source_ids {
            by_source.entry(s).or_default().push(a as u32);
        }
    }
    for (a, acc) in accounts.iter().enumerate() {
        for &t in &acc.target_ids {
            let Some(bs) = by_source.get(&t) else {
                continue;
            };
            let others: Vec<u32> = bs
                .iter()
                .copied()
                .filter(|&b| accounts.get(b as usize).is_some_and(|x| x.job != acc.job))
                .collect();
            let mut refused = Vec::new();
            for &b in &others {
                match uf.union(a as u32, b) {
                    Ok(true) => links.push(RawLink {
                        key: LinkKey::TargetIdToSourceId,
                        value: canon.text(t).to_string(),
                        from: a as u32,
                        to: b,
                    }),
                    Ok(false) => {}
                    Err(()) => refused.push(b),
                }
            }
            if !refused.is_empty() {
                let mut all = vec![a as u32];
                all.extend(others);
                ambiguous.push(RawAmbiguity {
                    key: LinkKey::TargetIdToSourceId,
                    value: canon.text(t).to_string(),
                    accounts: all,
                    reason: "the id would join two different objects of one job".into(),
                });
            }
        }
    }

    // 2, 3. Worker ids, then UPNs: every account sharing the value, unless that joins two
    // objects of one job.
    for (key, pick) in [(LinkKey::WorkerId, 0usize), (LinkKey::Upn, 1usize)] {
        let grouped = groups(&accounts, |a| if pick == 0 { &a.workers } else { &a.upns });
        for (value, members) in grouped {
            let Some((&first, rest)) = members.split_first() else {
                continue;
            };
            let mut refused = false;
            for &b in rest {
                match uf.union(first, b) {
                    Ok(true) => links.push(RawLink {
                        key,
                        value: canon.text(value).to_string(),
                        from: first,
                        to: b,
                    }),
                    Ok(false) => {}
                    Err(()) => refused = true,
                }
            }
            if refused {
                let reason = if key == LinkKey::WorkerId {
                    "one worker id is carried by different objects of one job (two HR workers?)"
                } else {
                    "one UPN is carried by different objects of one job"
                };
                ambiguous.push(RawAmbiguity {
                    key,
                    value: canon.text(value).to_string(),
                    accounts: members.clone(),
                    reason: reason.into(),
                });
            }
        }
    }

    // 4. Display names, only between exactly two chains, at least one of which carries no
    // UPN or worker id (two chains that each have their own are two people).
    for (value, members) in groups(&accounts, |a| &a.names) {
        let mut roots: Vec<u32> = members.iter().map(|&a| uf.find(a)).collect();
        crate::core::sort::sort(&mut roots);
        roots.dedup();
        if roots.len() < 2 {
            continue;
        }
        let weak = roots
            .iter()
            .any(|&r| !uf.strong.get(r as usize).copied().unwrap_or(true));
        if !weak {
            continue;
        }
        let reason = if roots.len() > 2 {
            Some("the display name is shared by more than two chains")
        } else {
            match (roots.first(), roots.get(1)) {
                (Some(&a), Some(&b)) if uf.conflicts(a, b) => {
                    Some("the display name is shared by different objects of one job")
                }
                _ => None,
            }
        };
        if let Some(reason) = reason {
            ambiguous.push(RawAmbiguity {
                key: LinkKey::DisplayName,
                value: canon.text(value).to_string(),
                accounts: members.clone(),
                reason: reason.into(),
            });
            continue;
        }
        let Some(&from) = members.first() else {
            continue;
        };
        let root = uf.find(from);
        let Some(&to) = members.iter().find(|&&m| uf.find(m) != root) else {
            continue;
        };
        if let Ok(true) = uf.union(from, to) {
            links.push(RawLink {
                key: LinkKey::DisplayName,
                value: canon.text(value).to_string(),
                from,
                to,
            });
        }
    }

    // Dense person numbers in account order.
    let mut person_of = vec![u32::MAX; n];
    let mut by_root: HashMap<u32, u32> = HashMap::default();
    for a in 0..n as u32 {
        let r = uf.find(a);
        let next = by_root.len() as u32;
        let p = *by_root.entry(r).or_insert(next);
        if let Some(slot) = person_of.get_mut(a as usize) {
            *slot = p;
        }
    }
    Chains {
        persons: by_root.len(),
        accounts,
        person_of,
        links,
        ambiguous,
    }
}
