//! Linear calibration layers over the rule scorer: multinomial logistic
//! regression over the rules' composition features and lexical (base form)
//! features, one model for document labels
//! (`dictionaries/sentiment/calibration.tsv`) and one for targets
//! (`dictionaries/sentiment/target_calibration.tsv`). Weights are data,
//! trained deterministically by `examples/train_sentiment.rs`; the rule
//! evidence still explains every decision, and the lexical features that
//! pushed it are added as evidence.

use std::sync::Arc;

use crate::data::{bad_row, rows};
use crate::error::Result;
use crate::error::{Error, ErrorKind};
use crate::hash::{HashMap64, fx_hash};

const WEIGHTS: &str = include_str!("../../dictionaries/sentiment/calibration.tsv");
const TARGET_WEIGHTS: &str = include_str!("../../dictionaries/sentiment/target_calibration.tsv");

type Cell = once_cell::sync::OnceCell<Option<Arc<Calibration>>>;

/// Class order of weight columns and probabilities.
pub const CLASSES: [&str; 3] = ["positive", "negative", "neutral"];

/// Weights of the calibration model.
#[derive(Debug, Default)]
pub struct Calibration {
    /// Keyed by the feature's hash, which the scorer computes once per
    /// feature for this lookup and its seen-set; the name confirms a hit.
    weights: HashMap64<(Box<str>, [f32; 3])>,
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
            Ok(if c.weights.is_empty() {
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
        let mut weights = HashMap64::default();
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
            match weights.entry(fx_hash(name)) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    let (other, slot): &mut (Box<str>, [f32; 3]) = e.into_mut();
                    if **other != *name {
                        return Err(Error::new(
                            ErrorKind::Dictionary,
                            format!(
                                "calibration.tsv line {line}: features {other:?} and {name:?} share a hash"
                            ),
                        ));
                    }
                    *slot = w;
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert((name.into(), w));
                }
            }
        }
        Ok(Calibration { weights })
    }

    /// The weights of one feature.
    pub fn weight(&self, feature: &str) -> Option<&[f32; 3]> {
        self.weight_hashed(fx_hash(feature), feature)
    }

    /// [`Calibration::weight`] for a feature whose `fx_hash` is known.
    pub(crate) fn weight_hashed(&self, hash: u64, feature: &str) -> Option<&[f32; 3]> {
        self.weights
            .get(&hash)
            .filter(|(name, _)| **name == *feature)
            .map(|(_, w)| w)
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
