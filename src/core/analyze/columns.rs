//! The values filters and dashboard panels read, one column per value, built once per data set.
//!
//! A filter change on a million events reads these instead of the events themselves: an event
//! is 160 bytes spread over three cache lines, while the scan needs a few bytes of it. Values
//! with many repeats (job, systems, identity type, error code, cycle, identity) are replaced by
//! small dense ids, so counting by them is indexing a vector, not hashing.
//!
//! Two more columns number the (cycle, identity) and (error code, identity) pairs, in the order
//! they first occur. Distinct identities per cycle or per error are then bits set in a bitmap
//! that is walked nearly in order, instead of one hash set per cycle and per error.

use rustc_hash::FxHashMap as HashMap;

use crate::core::analyze::dims::{event_scenario, identity_key, job_key, Scenario};
use crate::core::model::{Event, Store, Sym};

/// The id of "no value" in the identity and pair columns.
pub const NONE: u32 = u32::MAX;

/// The time of an event without a readable time.
pub const NO_TIME: i64 = i64::MIN;

/// Dense ids for the distinct keys of one column, in first-seen order.
#[derive(Debug)]
struct Dict<K> {
    index: HashMap<K, u32>,
    keys: Vec<K>,
    /// The last key and its id: neighbouring events mostly share their job, systems and cycle.
    last: Option<(K, u32)>,
}

impl<K> Default for Dict<K> {
    fn default() -> Self {
        Dict {
            index: HashMap::default(),
            keys: Vec::new(),
            last: None,
        }
    }
}

impl<K: Copy + Eq + std::hash::Hash> Dict<K> {
    fn id(&mut self, key: K) -> u32 {
        if let Some((k, id)) = self.last {
            if k == key {
                return id;
            }
        }
        let next = u32::try_from(self.keys.len()).unwrap_or(NONE);
        let id = *self.index.entry(key).or_insert(next);
        if id == next {
            self.keys.push(key);
        }
        self.last = Some((key, id));
        id
    }
}

/// Per-event columns and the dictionaries behind their ids. Column `c` holds at position `i`
/// the value of `store.events[i]`.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    /// `Status::index`.
    pub status: Vec<u8>,
    /// `Action::index`.
    pub action: Vec<u8>,
    /// Index into `Scenario::ALL`.
    pub scenario: Vec<u8>,
    /// Milliseconds since the epoch, or [`NO_TIME`].
    pub time: Vec<i64>,
    /// Id into `minutes` (minutes since the epoch), or [`NONE`] without a time.
    pub minute: Vec<u32>,
    pub minutes: Vec<i64>,
    /// Id into `jobs`: the job key (job id, else service principal name).
    pub job: Vec<u32>,
    pub jobs: Vec<Sym>,
    /// Id into `sources`: the source system's name as written.
    pub source: Vec<u32>,
    pub sources: Vec<Sym>,
    /// Id into `targets`: the target system's name as written.
    pub target: Vec<u32>,
    pub targets: Vec<Sym>,
    /// Id into `kinds`: the source identity's type as written.
    pub kind: Vec<u32>,
    pub kinds: Vec<Sym>,
    /// Id into `errors`: the error code (the empty symbol when there is none).
    pub error: Vec<u32>,
    pub errors: Vec<Sym>,
    /// Id into `cycles`: a cycle of one job, as (id into `jobs`, cycle id).
    pub cycle: Vec<u32>,
    pub cycles: Vec<(u32, Sym)>,
    /// Dense identity id ([`identity_key`]), or [`NONE`]; `identities` distinct ones in all.
    pub identity: Vec<u32>,
    pub identities: u32,
    /// Id of the (cycle, identity) pair, or [`NONE`]; `cycle_pairs[p]` is the pair's cycle.
    pub cycle_pair: Vec<u32>,
    pub cycle_pairs: Vec<u32>,
    /// Id of the (error, identity) pair for events with an error code, or [`NONE`];
    /// `error_pairs[p]` is the pair's error.
    pub error_pair: Vec<u32>,
    pub error_pairs: Vec<u32>,
    /// The event's range of `Store::modified`, as (start, end).
    pub changed: Vec<(u32, u32)>,
    /// Parallel to `Store::modified`: id into `attributes`, the changed attribute's name.
    pub attribute: Vec<u32>,
    pub attributes: Vec<Sym>,
}

impl Columns {
    pub fn new(store: &Store) -> Columns {
        let n = store.events.len();
        let mut c = Columns {
            status: Vec::with_capacity(n),
            action: Vec::with_capacity(n),
            scenario: Vec::with_capacity(n),
            time: Vec::with_capacity(n),
            minute: Vec::with_capacity(n),
            changed: Vec::with_capacity(n),
            job: Vec::with_capacity(n),
            source: Vec::with_capacity(n),
            target: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            error: Vec::with_capacity(n),
            cycle: Vec::with_capacity(n),
            identity: Vec::with_capacity(n),
            cycle_pair: Vec::with_capacity(n),
            error_pair: Vec::with_capacity(n),
            ..Columns::default()
        };
        let mut jobs = Dict::default();
        let mut sources = Dict::default();
        let mut targets = Dict::default();
        let mut kinds = Dict::default();
        let mut errors = Dict::default();
        let mut cycles = Dict::default();
        let mut identities = Dict::default();
        let mut cycle_pairs = Dict::default();
        let mut error_pairs = Dict::default();
        let mut minutes = Dict::default();
        let mut scenarios = ScenarioOf::default();
        for e in &store.events {
            c.status.push(e.status.index() as u8);
            c.action.push(e.action.index() as u8);
            c.scenario.push(scenarios.of(store, e));
            c.time.push(e.time_ms.unwrap_or(NO_TIME));
            c.changed.push((e.modified.start, e.modified.end));
            c.minute
                .push(e.time_ms.map_or(NONE, |t| minutes.id(t.div_euclid(60_000))));
            let job = jobs.id(job_key(e));
            c.job.push(job);
            c.source.push(sources.id(e.source_system.name));
            c.target.push(targets.id(e.target_system.name));
            c.kind.push(kinds.id(e.source.kind));
            let error = errors.id(e.error_code);
            c.error.push(error);
            let cycle = cycles.id((job, e.cycle_id));
            c.cycle.push(cycle);
            let who = identity_key(e);
            let identity = if who.is_empty() {
                NONE
            } else {
                identities.id(who)
            };
            c.identity.push(identity);
            c.cycle_pair.push(if identity == NONE {
                NONE
            } else {
                cycle_pairs.id((cycle, identity))
            });
            c.error_pair
                .push(if identity == NONE || e.error_code.is_empty() {
                    NONE
                } else {
                    error_pairs.id((error, identity))
                });
        }
        let mut attributes = Dict::default();
        c.attribute = store
            .modified
            .iter()
            .map(|m| attributes.id(m.name))
            .collect();
        c.attributes = attributes.keys;
        c.minutes = minutes.keys;
        c.jobs = jobs.keys;
        c.sources = sources.keys;
        c.targets = targets.keys;
        c.kinds = kinds.keys;
        c.errors = errors.keys;
        c.cycles = cycles.keys;
        c.identities = u32::try_from(identities.keys.len()).unwrap_or(NONE);
        c.cycle_pairs = cycle_pairs
            .keys
            .into_iter()
            .map(|(cycle, _)| cycle)
            .collect();
        c.error_pairs = error_pairs
            .keys
            .into_iter()
            .map(|(error, _)| error)
            .collect();
        c
    }

    pub fn len(&self) -> usize {
        self.status.len()
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// Bytes held by the columns, for the memory figures.
    pub fn approx_bytes(&self) -> usize {
        self.len() * (3 + 8 + 4 * 12)
            + 8 * self.minutes.len()
            + 4 * (self.attribute.len() + self.attributes.len())
            + 4 * (self.jobs.len()
                + self.sources.len()
                + self.targets.len()
                + self.kinds.len()
                + self.errors.len()
                + self.cycle_pairs.len()
                + self.error_pairs.len())
            + 8 * self.cycles.len()
    }
}

/// The scenario of an event as an index into `Scenario::ALL`, computed once per (job id,
/// source system, target system): deriving it lowercases the job id.
#[derive(Default)]
struct ScenarioOf {
    known: HashMap<(Sym, Sym, Sym), u8>,
    last: Option<((Sym, Sym, Sym), u8)>,
}

impl ScenarioOf {
    fn of(&mut self, store: &Store, e: &Event) -> u8 {
        let key = (e.job_id, e.source_system.name, e.target_system.name);
        if let Some((k, s)) = self.last {
            if k == key {
                return s;
            }
        }
        let s = *self
            .known
            .entry(key)
            .or_insert_with(|| scenario_index(event_scenario(store, e)));
        self.last = Some((key, s));
        s
    }
}

/// The index of a scenario in `Scenario::ALL`.
pub fn scenario_index(s: Scenario) -> u8 {
    Scenario::ALL
        .iter()
        .position(|x| *x == s)
        .unwrap_or(Scenario::ALL.len() - 1) as u8
}

/// A growable set of small integers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bitset(Vec<u64>);

impl Bitset {
    pub fn insert(&mut self, i: u32) {
        let (word, bit) = ((i / 64) as usize, i % 64);
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        if let Some(w) = self.0.get_mut(word) {
            *w |= 1 << bit;
        }
    }

    pub fn union(&mut self, other: &Bitset) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }

    /// The members in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    k as u32 * 64 + bit
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::gen::write::{write_format, GenFormat, WriteOptions};
    use crate::core::gen::{generate, GenConfig};
    use crate::core::ingest::read_all;

    fn store() -> Store {
        let g = generate(&GenConfig {
            events: 3000,
            days: 3,
            ..GenConfig::default()
        });
        let files = write_format(GenFormat::PortalJson, &g.events, &WriteOptions::default());
        read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice()))).store
    }

    #[test]
    fn every_column_decodes_back_to_its_event() {
        let s = store();
        let c = Columns::new(&s);
        assert_eq!(c.len(), s.events.len());
        let mut who: HashMap<u32, Sym> = HashMap::default();
        for (i, e) in s.events.iter().enumerate() {
            assert_eq!(c.status[i] as usize, e.status.index());
            assert_eq!(c.action[i] as usize, e.action.index());
            assert_eq!(c.time[i], e.time_ms.unwrap_or(NO_TIME));
            assert_eq!(c.changed[i], (e.modified.start, e.modified.end));
            match e.time_ms {
                Some(t) => assert_eq!(c.minutes[c.minute[i] as usize], t.div_euclid(60_000)),
                None => assert_eq!(c.minute[i], NONE),
            }
            assert_eq!(Scenario::ALL[c.scenario[i] as usize], event_scenario(&s, e));
            assert_eq!(c.jobs[c.job[i] as usize], job_key(e));
            assert_eq!(c.sources[c.source[i] as usize], e.source_system.name);
            assert_eq!(c.targets[c.target[i] as usize], e.target_system.name);
            assert_eq!(c.kinds[c.kind[i] as usize], e.source.kind);
            assert_eq!(c.errors[c.error[i] as usize], e.error_code);
            assert_eq!(
                c.cycles[c.cycle[i] as usize],
                (c.job[i], e.cycle_id),
                "event {i}"
            );
            let key = identity_key(e);
            if key.is_empty() {
                assert_eq!(c.identity[i], NONE);
                assert_eq!(c.cycle_pair[i], NONE);
                continue;
            }
            // One id per identity key, and one key per id.
            assert_eq!(*who.entry(c.identity[i]).or_insert(key), key);
            assert_eq!(c.cycle_pairs[c.cycle_pair[i] as usize], c.cycle[i]);
            if e.error_code.is_empty() {
                assert_eq!(c.error_pair[i], NONE);
            } else {
                assert_eq!(c.error_pairs[c.error_pair[i] as usize], c.error[i]);
            }
        }
        assert_eq!(who.len() as u32, c.identities);
        assert_eq!(c.attribute.len(), s.modified.len());
        for (m, &a) in s.modified.iter().zip(&c.attribute) {
            assert_eq!(c.attributes[a as usize], m.name);
        }
        let distinct: std::collections::HashSet<Sym> = s
            .events
            .iter()
            .map(identity_key)
            .filter(|k| !k.is_empty())
            .collect();
        assert_eq!(distinct.len() as u32, c.identities);
    }

    #[test]
    fn a_bitset_lists_its_members_in_order_and_unions() {
        let mut a = Bitset::default();
        for i in [5, 64, 3, 200, 5] {
            a.insert(i);
        }
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![3, 5, 64, 200]);
        let mut b = Bitset::default();
        b.insert(1);
        b.insert(1000);
        b.union(&a);
        assert_eq!(b.iter().collect::<Vec<_>>(), vec![1, 3, 5, 64, 200, 1000]);
    }
}
