//! Linear calibration layers over the rule scorer: multinomial logistic
//! regression over the rules' composition features and lexical (base form)
//! features, one model for document labels
//! (`dictionaries/sentiment/calibration.tsv`) and one for targets
//! (`dictionaries/sentiment/target_calibration.tsv`). Weights are data,
//! trained deterministically by `examples/train_sentiment.rs`; the rule
//! evidence still explains every decision, and the lexical features that
//! pushed it are added as evidence.

use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::data::{bad_row, rows};
use crate::error::Result;
use crate::error::{Error, ErrorKind};
use crate::hash::{HashMap64, fx_hash};

const WEIGHTS: &str = include_str!("../../dictionaries/sentiment/calibration.tsv");
const TARGET_WEIGHTS: &str = include_str!("../../dictionaries/sentiment/target_calibration.tsv");

type Cell = once_cell::sync::OnceCell<Option<Arc<Calibration>>>;

/// A family of features named after one word (`w:売上`, `c-:減少`,
/// `f¬:伸びる`), numbered per word (see [`Calibration::word_feature`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordFamily {
    /// `w:`: a content word is in the text.
    Content,
    /// `c+:`: a positive rule cue starts at the word.
    PositiveCue,
    /// `c-:`: a negative rule cue starts at the word.
    NegativeCue,
    /// `f:`: a sentence's predicate that the rules read no cue at.
    Predicate,
    /// `e:`: the same for the last sentence.
    LastPredicate,
}

impl WordFamily {
    const ALL: [WordFamily; 5] = [
        WordFamily::Content,
        WordFamily::PositiveCue,
        WordFamily::NegativeCue,
        WordFamily::Predicate,
        WordFamily::LastPredicate,
    ];

    /// The name's prefixes, plain and negated (`¬` goes after the cue's
    /// colon but before the predicate's).
    fn prefixes(self) -> [&'static str; 2] {
        match self {
            WordFamily::Content => ["w:", "w:¬"],
            WordFamily::PositiveCue => ["c+:", "c+:¬"],
            WordFamily::NegativeCue => ["c-:", "c-:¬"],
            WordFamily::Predicate => ["f:", "f¬:"],
            WordFamily::LastPredicate => ["e:", "e¬:"],
        }
    }

    /// The feature's name: `w:売上`, `f¬:伸びる`.
    pub(crate) fn name(self, word: &str, negated: bool) -> String {
        let prefix = self.prefixes()[usize::from(negated)];
        let mut name = String::with_capacity(prefix.len() + word.len());
        name.push_str(prefix);
        name.push_str(word);
        name
    }

    /// The family, negation and word of a feature's name.
    fn parse(name: &str) -> Option<(WordFamily, bool, &str)> {
        // Negated prefixes first: `w:¬売上` also starts with `w:`.
        WordFamily::ALL.into_iter().find_map(|family| {
            let [plain, negated] = family.prefixes();
            match name.strip_prefix(negated) {
                Some(word) => Some((family, true, word)),
                None => name.strip_prefix(plain).map(|word| (family, false, word)),
            }
        })
    }
}

/// What a document looks up for most of its content words: their `w:`
/// features (`[plain, negated]`) and where their pairs start in
/// `Calibration::pairs`, side by side so that one cache line answers both.
#[derive(Debug, Clone, Copy)]
struct HotWord {
    content: [u32; 2],
    pairs: u32,
}

/// No feature, no word number.
pub(crate) const NO_FEATURE: u32 = u32::MAX;

/// Class order of weight columns and probabilities.
pub const CLASSES: [&str; 3] = ["positive", "negative", "neutral"];

/// Weights of the calibration model.
#[derive(Debug, Default)]
pub struct Calibration {
    /// Feature number by the hash of its name, which the scorer computes
    /// once per feature; the name (in `names`) confirms a hit.
    index: HashMap64<u32>,
    names: Vec<Box<str>>,
    weights: Vec<[f32; 3]>,
    /// Words that features are named after (`w:`, `c+:`, `f:`, `e:` and
    /// either word of a `b:` pair), numbered, so a scorer that numbers a
    /// document's words once looks their features up by number, not by
    /// building and hashing names for every occurrence.
    words: HashMap64<(Box<str>, u32)>,
    /// The `w:` features of word number `i` and the start of its pairs,
    /// and one more entry for the end of the last word's pairs.
    hot: Vec<HotWord>,
    /// The other features named after word number `i`, `[plain, negated]`
    /// per [`WordFamily`] after `Content`.
    cold: Vec<[[u32; 2]; 4]>,
    /// `b:` pairs by their first word: the pairs of word `i` are
    /// `pairs[hot[i].pairs..hot[i + 1].pairs]`, as `(second word,
    /// feature)` sorted by the second word.
    pairs: Vec<(u32, u32)>,
    /// Unique per parsed model, so caches of its answers can tell models
    /// apart.
    id: u64,
}

impl Calibration {
    /// The embedded document weights, parsed once; `None` when the file
    /// holds none.
    pub fn embedded() -> Result<Option<Arc<Calibration>>> {
        static CELL: Cell = Cell::new();
        Self::cached(&CELL, WEIGHTS)
    }

    /// The embedded target weights, parsed once; `None` when the file holds
    /// none.
    pub fn embedded_targets() -> Result<Option<Arc<Calibration>>> {
        static CELL: Cell = Cell::new();
        Self::cached(&CELL, TARGET_WEIGHTS)
    }

    fn cached(cell: &Cell, weights: &str) -> Result<Option<Arc<Calibration>>> {
        cell.get_or_try_init(|| {
            let c = Calibration::parse(weights)?;
            Ok(if c.is_empty() {
                None
            } else {
                Some(Arc::new(c))
            })
        })
        .cloned()
    }

    /// Parses `feature<TAB>w_positive<TAB>w_negative<TAB>w_neutral` rows.
    ///
    /// # Errors
    /// [`ErrorKind::Dictionary`] with the line of a malformed row.
    pub fn parse(text: &str) -> Result<Self> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let mut cal = Calibration {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            ..Calibration::default()
        };
        for (line, cols) in rows(text) {
            let bad = || bad_row("calibration.tsv", line, "expected a feature and 3 weights");
            if cols.len() != 4 {
                return Err(bad());
            }
            let mut w = [0.0f32; 3];
            for (slot, c) in w.iter_mut().zip(&cols[1..]) {
                *slot = c.trim().parse().map_err(|_| bad())?;
            }
            let name = cols[0];
            match cal.index.entry(fx_hash(name)) {
                Entry::Occupied(e) => {
                    let k = *e.get() as usize;
                    let other = &cal.names[k];
                    if **other != *name {
                        return Err(Error::new(
                            ErrorKind::Dictionary,
                            format!(
                                "calibration.tsv line {line}: features {other:?} and {name:?} share a hash"
                            ),
                        ));
                    }
                    cal.weights[k] = w;
                }
                Entry::Vacant(e) => {
                    let k = u32::try_from(cal.names.len()).map_err(|_| bad())?;
                    e.insert(k);
                    cal.names.push(name.into());
                    cal.weights.push(w);
                }
            }
        }
        // Number the words that features are named after, and the pairs
        // (`b:売上 増加`) by their words' numbers.
        let mut pairs = Vec::new();
        // (The names are set aside while words are numbered, not copied.)
        let names = std::mem::take(&mut cal.names);
        for (k, name) in names.iter().enumerate() {
            if let Some((first, second)) = name.strip_prefix("b:").and_then(|p| p.split_once(' ')) {
                let first = cal.number_word(first)?;
                let second = cal.number_word(second)?;
                pairs.push((first, second, k as u32));
            } else if let Some((family, negated, word)) = WordFamily::parse(name) {
                let i = cal.number_word(word)? as usize;
                let slot = match family {
                    WordFamily::Content => &mut cal.hot[i].content,
                    _ => &mut cal.cold[i][family as usize - 1],
                };
                slot[usize::from(negated)] = k as u32;
            }
        }
        cal.names = names;
        pairs.sort_unstable();
        // The sentinel after the last word, then each word's start.
        cal.hot.push(HotWord {
            content: [NO_FEATURE; 2],
            pairs: 0,
        });
        for &(first, _, _) in &pairs {
            cal.hot[first as usize + 1].pairs += 1;
        }
        for i in 1..cal.hot.len() {
            cal.hot[i].pairs += cal.hot[i - 1].pairs;
        }
        cal.pairs = pairs
            .into_iter()
            .map(|(_, second, k)| (second, k))
            .collect();
        Ok(cal)
    }

    /// This model's unique id.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Number of features with weights.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Number of words features are named after (see
    /// [`Calibration::word`]).
    pub(crate) fn word_count(&self) -> usize {
        self.cold.len()
    }

    /// Whether the model has no features.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The weights of one feature.
    pub fn weight(&self, feature: &str) -> Option<&[f32; 3]> {
        self.feature(fx_hash(feature), feature)
            .map(|k| self.weights_of(k))
    }

    /// The number of a feature whose `fx_hash` is known.
    pub(crate) fn feature(&self, hash: u64, feature: &str) -> Option<u32> {
        self.index
            .get(&hash)
            .copied()
            .filter(|&k| *self.names[k as usize] == *feature)
    }

    /// The weights of feature number `k` (from [`Calibration::feature`]).
    pub(crate) fn weights_of(&self, k: u32) -> &[f32; 3] {
        &self.weights[k as usize]
    }

    /// Numbers `word` (once) among the words features are named after.
    fn number_word(&mut self, word: &str) -> Result<u32> {
        let next = u32::try_from(self.cold.len())
            .map_err(|_| Error::new(ErrorKind::Dictionary, "calibration.tsv: too many words"))?;
        let (name, id) = self
            .words
            .entry(fx_hash(word))
            .or_insert_with(|| (word.into(), next));
        if **name != *word {
            return Err(Error::new(
                ErrorKind::Dictionary,
                format!("calibration.tsv: words {name:?} and {word:?} share a hash"),
            ));
        }
        if *id == next {
            self.hot.push(HotWord {
                content: [NO_FEATURE; 2],
                pairs: 0,
            });
            self.cold.push([[NO_FEATURE; 2]; 4]);
        }
        Ok(*id)
    }

    /// The number of a word some feature is named after (see
    /// [`WordFamily`] and [`Calibration::pair`]), if any.
    pub(crate) fn word(&self, word: &str) -> Option<u32> {
        self.words
            .get(&fx_hash(word))
            .filter(|(name, _)| **name == *word)
            .map(|(_, id)| *id)
    }

    /// The number of the feature of `family` named after word number
    /// `word` (from [`Calibration::word`]), negated or not, if the model
    /// has it.
    pub(crate) fn word_feature(&self, word: u32, family: WordFamily, negated: bool) -> Option<u32> {
        let word = word as usize;
        let k = match family {
            WordFamily::Content => self.hot.get(word)?.content,
            _ => self.cold.get(word)?[family as usize - 1],
        }[usize::from(negated)];
        (k != NO_FEATURE).then_some(k)
    }

    /// The feature number of the pair `b:{first} {second}` from the words'
    /// numbers (see [`Calibration::word`]).
    pub(crate) fn pair(&self, first: u32, second: u32) -> Option<u32> {
        let first = first as usize;
        let (Some(from), Some(to)) = (self.hot.get(first), self.hot.get(first + 1)) else {
            return None;
        };
        let (from, to) = (from.pairs, to.pairs);
        let pairs = &self.pairs[from as usize..to as usize];
        pairs
            .binary_search_by_key(&second, |p| p.0)
            .ok()
            .map(|i| pairs[i].1)
    }

    /// Class probabilities for sparse features `(name, value)`.
    pub fn predict(&self, features: &[(String, f32)]) -> [f32; 3] {
        let mut logits = [0.0f32; 3];
        for (name, value) in features {
            if let Some(w) = self.weight(name) {
                for k in 0..3 {
                    logits[k] += w[k] * value;
                }
            }
        }
        softmax(logits)
    }
}

/// Numerically stable softmax.
pub fn softmax(logits: [f32; 3]) -> [f32; 3] {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = logits.map(|l| (l - max).exp());
    let sum: f32 = e.iter().sum();
    e.map(|x| x / sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_predicts() {
        let c = Calibration::parse("# header\nbias\t0\t0\t1\nw:好調\t2\t-1\t0\n").unwrap();
        let p = c.predict(&[("bias".into(), 1.0), ("w:好調".into(), 1.0)]);
        assert!(p[0] > p[1] && p[0] > p[2]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(Calibration::parse("x\t1\t2\n").is_err());
        Calibration::embedded().unwrap();
    }

    #[test]
    fn numbers_the_words_features_are_named_after() {
        let c = Calibration::parse(
            "w:売上\t1\t0\t0\nc-:¬減少\t0\t1\t0\nf¬:伸びる\t0\t0\t1\n\
             e:推移\t1\t1\t0\nb:売上 増加\t2\t0\t0\nb:売上 減少\t0\t2\t0\n",
        )
        .unwrap();
        let number = |name: &str| c.feature(fx_hash(name), name);
        let sales = c.word("売上").unwrap();
        let fall = c.word("減少").unwrap();
        let rise = c.word("増加").unwrap();
        assert_eq!(c.word("費用"), None);
        let feature = |word, family, negated| c.word_feature(word, family, negated);
        assert_eq!(feature(sales, WordFamily::Content, false), number("w:売上"));
        assert_eq!(feature(sales, WordFamily::Content, true), None);
        assert_eq!(feature(sales, WordFamily::Predicate, false), None);
        assert_eq!(
            feature(fall, WordFamily::NegativeCue, true),
            number("c-:¬減少")
        );
        assert_eq!(feature(fall, WordFamily::NegativeCue, false), None);
        let stretch = c.word("伸びる").unwrap();
        assert_eq!(
            feature(stretch, WordFamily::Predicate, true),
            number("f¬:伸びる")
        );
        let flat = c.word("推移").unwrap();
        assert_eq!(
            feature(flat, WordFamily::LastPredicate, false),
            number("e:推移")
        );
        assert_eq!(c.pair(sales, rise), number("b:売上 増加"));
        assert_eq!(c.pair(sales, fall), number("b:売上 減少"));
        assert_eq!(c.pair(rise, sales), None);
        assert_eq!(c.pair(stretch, sales), None);
        // Names are built the way they are parsed.
        assert_eq!(WordFamily::NegativeCue.name("減少", true), "c-:¬減少");
        assert_eq!(WordFamily::Predicate.name("伸びる", true), "f¬:伸びる");
    }
}
