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
use crate::hash::{FxHashMap, HashMap64, fx_hash};

const WEIGHTS: &str = include_str!("../../dictionaries/sentiment/calibration.tsv");
const TARGET_WEIGHTS: &str = include_str!("../../dictionaries/sentiment/target_calibration.tsv");

type Cell = once_cell::sync::OnceCell<Option<Arc<Calibration>>>;

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
    /// Base forms that take part in some `b:` pair, numbered, so a pair of
    /// words is looked up by two numbers (and not at all when either word
    /// is in no pair), not by building and hashing its name.
    pair_words: HashMap64<(Box<str>, u32)>,
    /// `b:` feature number by `(first word << 32) | second word`.
    pairs: FxHashMap<u64, u32>,
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
        // Number the words of pair features (`b:売上 増加`).
        for k in 0..cal.names.len() {
            let Some((a, b)) = cal.names[k]
                .strip_prefix("b:")
                .and_then(|p| p.split_once(' '))
                .map(|(a, b)| (a.to_string(), b.to_string()))
            else {
                continue;
            };
            let mut ids = [0u32; 2];
            for (slot, word) in ids.iter_mut().zip([a, b]) {
                let next = cal.pair_words.len() as u32;
                let (name, id) = cal
                    .pair_words
                    .entry(fx_hash(&word))
                    .or_insert_with(|| (word.as_str().into(), next));
                if **name != *word {
                    return Err(Error::new(
                        ErrorKind::Dictionary,
                        format!("calibration.tsv: pair words {name:?} and {word:?} share a hash"),
                    ));
                }
                *slot = *id;
            }
            cal.pairs
                .insert((u64::from(ids[0]) << 32) | u64::from(ids[1]), k as u32);
        }
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

    /// The number a word has in pair features, if it is in any.
    pub(crate) fn pair_word(&self, word: &str) -> Option<u32> {
        self.pair_words
            .get(&fx_hash(word))
            .filter(|(name, _)| **name == *word)
            .map(|(_, id)| *id)
    }

    /// The feature number of the pair `b:{first} {second}` from the words'
    /// numbers (see [`Calibration::pair_word`]).
    pub(crate) fn pair(&self, first: u32, second: u32) -> Option<u32> {
        self.pairs
            .get(&((u64::from(first) << 32) | u64::from(second)))
            .copied()
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
}
