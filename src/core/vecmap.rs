//! A small ordered map: a vector of pairs kept sorted by key.
//!
//! The analyses group events into many short-lived maps (by error code, attribute, class of
//! skip, cycle), iterated in key order so that their output is deterministic. A `BTreeMap`
//! does that, but each key and value type compiles its own copy of the tree's code (insertion,
//! node splits, iteration, drop): some 3 KB of wasm per map type, and there were twenty. This map
//! is a binary search and a vector insert, a few hundred bytes per type.
//!
//! Inserting a new key moves the pairs after it, so it is for maps of up to a few thousand
//! keys; keep `BTreeMap` for maps that grow with the data set (every identity, every worker).

use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A map of keys in ascending order; see the module comment for when to use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VecMap<K, V> {
    pairs: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { pairs: Vec::new() }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Where `key` is, or where it would go.
    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.pairs.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        self.pairs.get(i).map(|(_, v)| v)
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        self.pairs.get_mut(i).map(|(_, v)| v)
    }

    /// The value of `key`, inserting `make()` first when the key is new.
    pub fn or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.pairs.insert(i, (key, make()));
                i
            }
        };
        &mut self.pairs[i].1
    }

    /// The value of `key`, inserting the default value first when the key is new.
    pub fn or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        self.or_insert_with(key, V::default)
    }

    /// Sets the value of `key`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .pairs
                .get_mut(i)
                .map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.pairs.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        Some(self.pairs.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The pairs in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator + Clone {
        self.pairs.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.pairs.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.pairs.iter().map(|(_, v)| v)
    }

    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.pairs.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.pairs.iter_mut().map(|(_, v)| v)
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    /// The pairs in key order.
    fn into_iter(self) -> Self::IntoIter {
        self.pairs.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    /// The pairs in key order.
    fn into_iter(self) -> Self::IntoIter {
        self.pairs.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// Later pairs replace earlier ones with the same key, as in `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut map = VecMap::new();
        for (k, v) in pairs {
            map.insert(k, v);
        }
        map
    }
}

/// Written as a map in key order, as a `BTreeMap` is: the same JSON, the same binary encoding.
impl<K: Serialize, V: Serialize> Serialize for VecMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.pairs.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for VecMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for PairsVisitor<K, V> {
            type Value = VecMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // Written in key order, so each pair is appended (after a binary search).
                let mut out = VecMap::new();
                while let Some((k, v)) = map.next_entry()? {
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(PairsVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A fixed pseudo-random sequence of operations, applied to both maps.
    #[test]
    fn behaves_like_a_btree_map() {
        let mut ours: VecMap<u32, u64> = VecMap::new();
        let mut theirs: BTreeMap<u32, u64> = BTreeMap::new();
        let mut x: u32 = 12_345;
        for step in 0..5_000u64 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let key = (x >> 16) % 200;
            match step % 5 {
                0 => assert_eq!(ours.insert(key, step), theirs.insert(key, step)),
                1 => assert_eq!(ours.remove(&key), theirs.remove(&key)),
                2 => *ours.or_default(key) += 1,
                3 => *ours.or_insert_with(key, || step) += 2,
                _ => assert_eq!(ours.get(&key), theirs.get(&key)),
            }
            match step % 5 {
                2 => *theirs.entry(key).or_default() += 1,
                3 => *theirs.entry(key).or_insert(step) += 2,
                _ => {}
            }
            assert_eq!(ours.len(), theirs.len());
        }
        let pairs: Vec<(u32, u64)> = ours.iter().map(|(k, v)| (*k, *v)).collect();
        let expected: Vec<(u32, u64)> = theirs.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(pairs, expected);
        assert_eq!(ours.clone().into_iter().collect::<Vec<_>>(), expected);
        assert!(ours.keys().eq(theirs.keys()));
        assert!(ours.values().eq(theirs.values()));
        if let Some((&k, _)) = theirs.iter().next() {
            *ours.get_mut(&k).unwrap_or(&mut 0) += 7;
            assert_eq!(ours.get(&k), theirs.get(&k).map(|v| v + 7).as_ref());
        }
    }

    #[test]
    fn encodes_as_a_btree_map_does() {
        let ours: VecMap<String, u32> = [("b", 1), ("a", 2)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let theirs: BTreeMap<String, u32> = ours.clone().into_iter().collect();
        let json = serde_json::to_string(&ours).unwrap_or_default();
        assert_eq!(json, r#"{"a":2,"b":1}"#);
        assert_eq!(serde_json::to_string(&theirs).unwrap_or_default(), json);
        let back: VecMap<String, u32> = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, ours);
        let bytes = crate::core::wire::encode(&ours).unwrap_or_default();
        assert_eq!(
            crate::core::wire::encode(&theirs).unwrap_or_default(),
            bytes
        );
        assert_eq!(
            crate::core::wire::decode::<VecMap<String, u32>>(&bytes).ok(),
            Some(ours)
        );
    }

    #[test]
    fn looks_up_text_keys_by_str_and_collects_like_a_btree_map() {
        let map: VecMap<String, u32> = [("b", 1), ("a", 2), ("b", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(map.get("b"), Some(&3));
        assert_eq!(map.get("c"), None);
        assert_eq!(map.keys().cloned().collect::<Vec<_>>(), ["a", "b"]);
        assert!(!map.is_empty());
    }
}
