//! Word lists looked up by their first (or last) character, so testing a
//! position against a list costs one binary search plus the few words that
//! share that character, not a comparison with every word.

/// Indices into a word list, grouped by a character of the word.
#[derive(Debug)]
pub(crate) struct WordIndex {
    words: Vec<&'static str>,
    /// The characters words are grouped by, sorted (searched as a compact
    /// array: extractors test every figure's neighbours).
    keys: Vec<char>,
    /// Indices of the words with `keys[k]`, in list order.
    groups: Vec<Vec<usize>>,
    /// Bit `c % 64` set for every key `c`: most characters tested are no
    /// key, and this rules them out without a search.
    mask: u64,
}

impl WordIndex {
    fn new(words: Vec<&'static str>, key: impl Fn(&str) -> Option<char>) -> Self {
        let mut groups: Vec<(char, Vec<usize>)> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let Some(c) = key(w) else { continue };
            match groups.iter_mut().find(|(k, _)| *k == c) {
                Some((_, group)) => group.push(i),
                None => groups.push((c, vec![i])),
            }
        }
        groups.sort_by_key(|(c, _)| *c);
        let mask = groups
            .iter()
            .fold(0u64, |m, (c, _)| m | 1 << (*c as u32 % 64));
        let (keys, groups) = groups.into_iter().unzip();
        WordIndex {
            words,
            keys,
            groups,
            mask,
        }
    }

    /// An index for prefix tests ([`WordIndex::prefixes_of`]).
    pub(crate) fn by_first(words: impl IntoIterator<Item = &'static str>) -> Self {
        Self::new(words.into_iter().collect(), |w| w.chars().next())
    }

    /// An index for suffix tests ([`WordIndex::suffixes_of`]).
    pub(crate) fn by_last(words: impl IntoIterator<Item = &'static str>) -> Self {
        Self::new(words.into_iter().collect(), |w| w.chars().next_back())
    }

    fn group(&self, c: Option<char>) -> &[usize] {
        c.filter(|&c| self.mask & 1 << (c as u32 % 64) != 0)
            .and_then(|c| self.keys.binary_search(&c).ok())
            .map_or(&[], |g| &self.groups[g])
    }

    /// Indices (in list order) of the words `s` starts with; the index must
    /// have been built with [`WordIndex::by_first`].
    pub(crate) fn prefixes_of<'a>(&'a self, s: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.group(s.chars().next())
            .iter()
            .copied()
            .filter(move |&i| s.starts_with(self.words[i]))
    }

    /// Indices (in list order) of the words `s` ends with; the index must
    /// have been built with [`WordIndex::by_last`].
    pub(crate) fn suffixes_of<'a>(&'a self, s: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.group(s.chars().next_back())
            .iter()
            .copied()
            .filter(move |&i| s.ends_with(self.words[i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_in_list_order() {
        let list = ["米ドル", "ドル", "ドルト", "円"];
        let first = WordIndex::by_first(list);
        assert_eq!(first.prefixes_of("ドルト建て").collect::<Vec<_>>(), [1, 2]);
        assert_eq!(first.prefixes_of("米ドル").collect::<Vec<_>>(), [0]);
        assert_eq!(first.prefixes_of("").count(), 0);
        let last = WordIndex::by_last(list);
        assert_eq!(last.suffixes_of("約5米ドル").collect::<Vec<_>>(), [0, 1]);
        assert_eq!(last.suffixes_of("元").count(), 0);
    }
}
