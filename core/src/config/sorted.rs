//! Sorted `Vec`s: the small maps and sets validation builds.
//!
//! Validation gathers a few entries at a time (sites, places, SIP Server
//! pairs, agent groups' settings), once per bundle, and reports them in
//! sorted order. A `BTreeMap` or `BTreeSet` compiles its node machinery
//! once for every key and value type — about 2.7 KB of WebAssembly each in
//! the runtime module a desktop downloads (eight of them were 21.7 KB raw,
//! 8.4 KB gzip) — where a `Vec` kept sorted by
//! binary search gives the same order and lookups for a few hundred bytes,
//! and is as fast at these sizes. Sorting a `Vec` afterwards would compile
//! a sort per type too; inserting in order does not.

use std::borrow::Borrow;

/// A map kept sorted by key (see [`entry`] and [`get`]).
pub(crate) type Map<K, V> = Vec<(K, V)>;

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

/// The value of `key` in the sorted map `map`, added as `V::default()` if
/// missing (`BTreeMap::entry(key).or_default()`).
pub(crate) fn entry<K: Ord, V: Default>(map: &mut Map<K, V>, key: K) -> &mut V {
    let at = match map.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(at) => at,
        Err(at) => {
            map.insert(at, (key, V::default()));
            at
        }
    };
    &mut map[at].1
}

/// The value of `key` in the sorted map `map`.
pub(crate) fn get<'m, K: Borrow<Q>, Q: Ord + ?Sized, V>(
    map: &'m [(K, V)],
    key: &Q,
) -> Option<&'m V> {
    let at = map.binary_search_by(|(k, _)| k.borrow().cmp(key)).ok()?;
    Some(&map[at].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_maps_keep_sorted_order_like_btree_collections() {
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

        let mut map: Vec<(String, Vec<u8>)> = Vec::new();
        entry(&mut map, "y".to_owned()).push(1);
        entry(&mut map, "x".to_owned()).push(2);
        entry(&mut map, "y".to_owned()).push(3);
        assert_eq!(
            map,
            [("x".to_owned(), vec![2]), ("y".to_owned(), vec![1, 3])]
        );
        assert_eq!(get(&map, "y"), Some(&vec![1, 3]));
        assert_eq!(get(&map, "z"), None);
    }
}
