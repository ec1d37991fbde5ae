//! Sorted `Vec`s: the maps and sets of a bundle's options and of
//! validation.
//!
//! A bundle's options ([`SortedMap`]) and the entries validation gathers
//! (sites, places, SIP Server pairs, agent groups' settings) are a few to a
//! few hundred entries, built once per bundle and reported in sorted order.
//! A `BTreeMap` or `BTreeSet` compiles its node machinery once for every key
//! and value type — about 2.7 KB of WebAssembly each in the runtime module a
//! desktop downloads (eight in validation were 21.7 KB raw, 8.4 KB gzip;
//! the two of the options 2.6 KB gzip) — where a `Vec` kept sorted by binary
//! search gives the same order and lookups for a few hundred bytes, and is
//! as fast at these sizes. Sorting a `Vec` afterwards would compile a sort
//! per type too; inserting in order does not.

use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Adds `value` to the sorted set `set` unless an equal value is in it;
/// returns whether it was added.
pub(crate) fn insert<T: Ord>(set: &mut Vec<T>, value: T) -> bool {
    match set.binary_search(&value) {
        Ok(_) => false,
        Err(at) => {
            set.insert(at, value);
            true
        }
    }
}

/// Adds `value` to the sorted list `list`, after any equal values.
pub(crate) fn insert_dup<T: Ord>(list: &mut Vec<T>, value: T) {
    let at = list.partition_point(|v| *v <= value);
    list.insert(at, value);
}

/// A map kept sorted by key in a `Vec`: what a bundle's [`Options`]
/// are made of.
///
/// It reads like a `BTreeMap` — [`get`](SortedMap::get),
/// [`insert`](SortedMap::insert), [`entry`](SortedMap::entry), iteration
/// in key order, built from an iterator (a repeated key keeps its last
/// value), serialized as a map — and compiles to far less code: a
/// `BTreeMap` compiles its node machinery once per key and value type
/// (the two of a bundle's options were 2.6 KB gzip of the WebAssembly
/// runtime a desktop downloads). Inserting is linear in the map's length,
/// which suits the tens of options an object has.
///
/// [`Options`]: super::Options
///
/// ```
/// use continuity_core::config::SortedMap;
///
/// let mut timeouts: SortedMap<String, u32> = [("b".to_owned(), 2)].into_iter().collect();
/// timeouts.insert("a".to_owned(), 1);
/// assert_eq!(timeouts.insert("b".to_owned(), 3), Some(2));
/// assert_eq!(timeouts.get("b"), Some(&3));
/// *timeouts.entry("c".to_owned()).or_default() += 4;
/// assert_eq!(timeouts.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> SortedMap<K, V> {
    /// An empty map.
    pub const fn new() -> SortedMap<K, V> {
        SortedMap {
            entries: Vec::new(),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order, as a slice.
    pub fn as_slice(&self) -> &[(K, V)] {
        &self.entries
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, to change them.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        Some(&self.entries[at].1)
    }

    /// The value of `key`, to change it.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        Some(&mut self.entries[at].1)
    }

    /// Whether the map has `key`.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => Some(std::mem::replace(&mut self.entries[at].1, value)),
            Err(at) => {
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    /// The entry of `key`, to read or fill it in place, as with a
    /// `BTreeMap`: `map.entry(key).or_default()`.
    pub fn entry(&mut self, key: K) -> SortedMapEntry<'_, K, V> {
        let found = self.find(&key);
        SortedMapEntry {
            map: self,
            key,
            found,
        }
    }

    /// Takes `key` out of the map; returns its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        Some(self.entries.remove(at).1)
    }
}

/// An entry of a [`SortedMap`], from [`SortedMap::entry`]: a key that is
/// in the map or the place it would go.
pub struct SortedMapEntry<'m, K, V> {
    map: &'m mut SortedMap<K, V>,
    key: K,
    /// The key's index, or where it would be inserted.
    found: Result<usize, usize>,
}

impl<'m, K, V> SortedMapEntry<'m, K, V> {
    /// The value, inserted as `value` if the key is missing.
    pub fn or_insert(self, value: V) -> &'m mut V {
        self.or_insert_with(|| value)
    }

    /// The value, inserted as `make()` if the key is missing.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'m mut V {
        let at = match self.found {
            Ok(at) => at,
            Err(at) => {
                self.map.entries.insert(at, (self.key, make()));
                at
            }
        };
        &mut self.map.entries[at].1
    }

    /// The value, inserted as `V::default()` if the key is missing.
    pub fn or_default(self) -> &'m mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    /// The entry's key.
    pub fn key(&self) -> &K {
        &self.key
    }
}

impl<K: Borrow<Q> + Ord, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;

    /// The value of `key`.
    ///
    /// # Panics
    ///
    /// When the map does not have `key` (as `BTreeMap` does).
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    /// A repeated key keeps its last value.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SortedMap::new();
        map.extend(iter);
        map
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (key, value) in iter {
            self.insert(key, value);
        }
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'m, K, V> IntoIterator for &'m SortedMap<K, V> {
    type Item = (&'m K, &'m V);
    type IntoIter = std::iter::Map<std::slice::Iter<'m, (K, V)>, fn(&'m (K, V)) -> (&'m K, &'m V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in &self.entries {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    /// A map; a repeated key keeps its last value, as with `BTreeMap`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(PhantomData<(K, V)>);

        impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for MapVisitor<K, V> {
            type Value = SortedMap<K, V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = SortedMap::new();
                while let Some((key, value)) = access.next_entry()? {
                    map.insert(key, value);
                }
                Ok(map)
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_keep_sorted_order_like_btree_sets() {
        let mut set = Vec::new();
        for value in ["b", "a", "c", "a"] {
            insert(&mut set, value);
        }
        assert_eq!(set, ["a", "b", "c"]);

        let mut list = Vec::new();
        for value in [3, 1, 3, 2] {
            insert_dup(&mut list, value);
        }
        assert_eq!(list, [1, 2, 3, 3]);
    }

    #[test]
    fn a_sorted_map_reads_like_a_btree_map() {
        let pairs = [("b", 1), ("a", 2), ("c", 3), ("a", 4)];
        let map: SortedMap<String, i32> = pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect();
        let btree: std::collections::BTreeMap<String, i32> =
            pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect();
        assert!(map.iter().eq(btree.iter()), "{map:?}");
        assert_eq!(format!("{map:?}"), format!("{btree:?}"));
        assert_eq!(map.len(), 3);
        assert_eq!(map["a"], 4);
        assert_eq!(map.get("z"), None);
        assert!(map.contains_key("c"));
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [4, 1, 3]);

        let mut map = map;
        assert_eq!(map.insert("b".to_owned(), 9), Some(1));
        *map.entry("0".to_owned()).or_default() += 5;
        *map.entry("0".to_owned()).or_insert(100) += 1;
        assert_eq!(map.entry("b".to_owned()).key(), "b");
        *map.get_mut("c").unwrap() += 1;
        assert_eq!(map.remove("a"), Some(4));
        assert_eq!(
            map.into_iter().collect::<Vec<_>>(),
            [
                ("0".to_owned(), 6),
                ("b".to_owned(), 9),
                ("c".to_owned(), 4)
            ]
        );
    }

    #[test]
    fn a_sorted_map_goes_through_serde_as_a_map_keeping_a_repeated_key_last() {
        let map: SortedMap<String, u8> =
            serde_json::from_str(r#"{"y": 1, "x": 2, "y": 3}"#).unwrap();
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"x":2,"y":3}"#);
        let err = serde_json::from_str::<SortedMap<String, u8>>("[1]").unwrap_err();
        assert!(err.to_string().contains("expected a map"), "{err}");
    }
}
