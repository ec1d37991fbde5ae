//! "Did you mean": the known name nearest to a misspelt one.

/// The known name nearest to `name`, if it is close enough to be a typo
/// (an edit distance of 4 or less; the first in `known` on a tie).
pub(crate) fn nearest<'k>(
    name: &str,
    known: impl Iterator<Item = &'k &'static str>,
) -> Option<&'static str> {
    known
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(distance, _)| *distance <= 4)
        .min()
        .map(|(_, k)| k)
}

/// The Levenshtein distance between `a` and `b`, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_count_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("timout", "timeout"), 1);
        assert_eq!(edit_distance("timeout", "timout"), 1);
        assert_eq!(edit_distance("site-1", "site-2"), 1);
        assert_eq!(edit_distance("é", "e"), 1, "characters, not bytes");
        assert_eq!(edit_distance("abc", ""), 3);
    }

    #[test]
    fn only_close_names_are_suggested() {
        let known = ["disaster-recovery.timeout", "disaster-recovery.site"];
        assert_eq!(
            nearest("disaster-recovery.timout", known.iter()),
            Some("disaster-recovery.timeout")
        );
        assert_eq!(nearest("disaster-recovery.enabled", known.iter()), None);
    }
}
