//! The sentiment lexicons of `dictionaries/sentiment/`, parsed once into one
//! map from surface (or IPADIC base form) to cue.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::data::{bad_row as bad, rows};
use crate::error::Result;
use crate::hash::FxHashMap;

const ITEMS: &str = include_str!("../../dictionaries/sentiment/items.tsv");
const PREDICATES: &str = include_str!("../../dictionaries/sentiment/predicates.tsv");
const POLAR: &str = include_str!("../../dictionaries/sentiment/polar.tsv");
const SHIFTERS: &str = include_str!("../../dictionaries/sentiment/shifters.tsv");

/// What a lexicon entry does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cue {
    /// A finance item; `1.0` when more is good (売上), `-1.0` when more is bad
    /// (費用), `0.0` when its movement says nothing (出資比率).
    Item(f32),
    /// A quantity moves up (増加) or down (減少): its polarity is the item's.
    Move(f32),
    /// Gets better (改善) or worse (悪化) whatever the item.
    Evaluate(f32),
    /// An item occurs or is realized (損失が発生, 利益が出ない, 自社株買いを
    /// 実施): as good as the item; on its own it says nothing.
    Occur,
    /// Stops the movement before it (下落に歯止め).
    Stop,
    /// Says an item or its movement fell short of more (`2%増にとどまった`,
    /// `前年並みにとどまった`; `下落は小幅にとどまった` only damps the fall).
    Limit,
    /// The size of a rise (`1.0`: 上昇幅, 伸び率) or a fall (`-1.0`:
    /// 減少幅, 下げ幅) of the item before it: it stands as an item, as
    /// desirable as that item times the sign (輸出の減少幅が縮小 is good).
    Size(f32),
    /// A plain polar word with its weight.
    Polar(f32),
    /// Flips the cue before it (ない, ず).
    Negation,
    /// Starts a clause that weighs `factor` times the one before (が, しかし).
    Contrast(f32),
    /// Damps the clause (見込み, 可能性).
    Hedge(f32),
    /// Scales the next cue (大幅 1.5, やや 0.7).
    Degree(f32),
    /// Makes the sentence a question.
    Question,
    /// Says nothing changed (横ばい, 変わらない): pulls toward neutral.
    Flat,
}

/// All cues by surface.
#[derive(Debug, Default)]
pub struct Lexicon {
    pub(crate) cues: FxHashMap<String, Cue>,
    /// Longest entry in bytes, bounding multi-token lookups.
    pub(crate) max_bytes: usize,
    /// For each proper prefix of an entry (by hash), the [`char_bit`]s of
    /// the characters that continue it in some entry, so a multi-token
    /// lookup stops as soon as no entry can go on with the next token.
    continuations: crate::hash::HashMap64<u32>,
    /// The distinct cues (kind and weight) of the entries, which
    /// [`CueCode`]s number.
    distinct: Vec<Cue>,
    /// Unique per parsed lexicon, so caches of its answers (see
    /// `scorer::WordCues`) can tell lexicons apart.
    id: u64,
}

/// A cue in two bytes, so the scorer's answers for every token of a
/// document stay small: 0 for none, else one more than the cue's place
/// among the lexicon's distinct cues (a few dozen kinds and weights).
pub(crate) type CueCode = u16;

/// A cue's kind and the bits of its weight: equal keys, equal cues.
fn cue_key(cue: Cue) -> (std::mem::Discriminant<Cue>, u32) {
    let weight = match cue {
        Cue::Item(w)
        | Cue::Move(w)
        | Cue::Evaluate(w)
        | Cue::Size(w)
        | Cue::Polar(w)
        | Cue::Contrast(w)
        | Cue::Hedge(w)
        | Cue::Degree(w) => w.to_bits(),
        Cue::Stop | Cue::Limit | Cue::Occur | Cue::Negation | Cue::Question | Cue::Flat => 0,
    };
    (std::mem::discriminant(&cue), weight)
}

/// Words that say a level is unchanged; they are facts about the data, not
/// about any one lexicon file, so they live here.
const FLAT_WORDS: &[&str] = &[
    "横ばい",
    "拮抗",
    "横這い",
    "変わらない",
    "変わらず",
    "同水準",
    "変化がない",
    "変化はない",
    "変わりない",
    "変わりがない",
    "前年並み",
    "例年並み",
    "平年並み",
    "前年並",
    "同程度",
    "一進一退",
    "様子見",
    "足踏み",
    "変動がない",
    "変化なし",
];

fn number(file: &str, line: usize, s: &str) -> Result<f32> {
    s.parse()
        .ok()
        .filter(|w: &f32| w.is_finite())
        .ok_or_else(|| bad(file, line, "weight is not a number"))
}

impl Lexicon {
    /// The embedded lexicons, parsed once per process.
    pub fn embedded() -> Result<Arc<Lexicon>> {
        static CELL: once_cell::sync::OnceCell<Arc<Lexicon>> = once_cell::sync::OnceCell::new();
        CELL.get_or_try_init(|| Lexicon::parse(ITEMS, PREDICATES, POLAR, SHIFTERS).map(Arc::new))
            .cloned()
    }

    /// Parses lexicon files in the `dictionaries/sentiment/` formats.
    ///
    /// # Errors
    /// [`ErrorKind::Dictionary`](crate::ErrorKind::Dictionary) with the file and line of a malformed row.
    pub fn parse(items: &str, predicates: &str, polar: &str, shifters: &str) -> Result<Self> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let mut lex = Lexicon {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            ..Lexicon::default()
        };
        for (line, cols) in rows(items) {
            let [surface, d, ..] = cols.as_slice() else {
                return Err(bad("items.tsv", line, "expected 2 columns"));
            };
            // (0: a quantity whose movement says nothing, as 出資比率;
            // `signum` would make it 1.)
            let d = number("items.tsv", line, d)?;
            lex.add(surface, Cue::Item(if d == 0.0 { 0.0 } else { d.signum() }));
        }
        for (line, cols) in rows(predicates) {
            let [surface, kind, ..] = cols.as_slice() else {
                return Err(bad("predicates.tsv", line, "expected 2 columns"));
            };
            let cue = match *kind {
                "up" => Cue::Move(1.0),
                "down" => Cue::Move(-1.0),
                "occur" => Cue::Occur,
                "better" => Cue::Evaluate(1.0),
                "worse" => Cue::Evaluate(-1.0),
                "stop" => Cue::Stop,
                "limit" => Cue::Limit,
                "rise-size" => Cue::Size(1.0),
                "fall-size" => Cue::Size(-1.0),
                other => {
                    return Err(bad(
                        "predicates.tsv",
                        line,
                        &format!("unknown type {other:?}"),
                    ));
                }
            };
            lex.add(surface, cue);
        }
        for (line, cols) in rows(polar) {
            let [surface, w, ..] = cols.as_slice() else {
                return Err(bad("polar.tsv", line, "expected 2 columns"));
            };
            lex.add(
                surface,
                Cue::Polar(number("polar.tsv", line, w)?.clamp(-1.0, 1.0)),
            );
        }
        for (line, cols) in rows(shifters) {
            let [surface, kind, w, ..] = cols.as_slice() else {
                return Err(bad("shifters.tsv", line, "expected 3 columns"));
            };
            let w = number("shifters.tsv", line, w)?;
            let cue = match *kind {
                "negation" => Cue::Negation,
                "contrast" => Cue::Contrast(w),
                "hedge" => Cue::Hedge(w),
                "intensifier" | "diminisher" => Cue::Degree(w),
                "question" => Cue::Question,
                other => {
                    return Err(bad(
                        "shifters.tsv",
                        line,
                        &format!("unknown type {other:?}"),
                    ));
                }
            };
            lex.add(surface, cue);
        }
        for w in FLAT_WORDS {
            lex.cues.insert(w.to_string(), Cue::Flat);
        }
        lex.max_bytes = lex.cues.keys().map(String::len).max().unwrap_or(0);
        let mut seen = std::collections::HashSet::new();
        for &cue in lex.cues.values() {
            if seen.insert(cue_key(cue)) {
                lex.distinct.push(cue);
            }
        }
        if lex.distinct.len() >= usize::from(CueCode::MAX) {
            return Err(crate::error::Error::new(
                crate::error::ErrorKind::Dictionary,
                format!(
                    "the sentiment lexicons hold {} distinct cues (kind and weight); at most {} are supported",
                    lex.distinct.len(),
                    CueCode::MAX - 1
                ),
            ));
        }
        for key in lex.cues.keys() {
            for (i, c) in key.char_indices().skip(1) {
                *lex.continuations
                    .entry(crate::hash::fx_hash(&key[..i]))
                    .or_default() |= char_bit(c);
            }
        }
        Ok(lex)
    }

    fn add(&mut self, surface: &str, cue: Cue) {
        self.cues.entry(surface.to_string()).or_insert(cue);
    }

    /// The [`char_bit`]s of the characters that follow `prefix` in the
    /// entries longer than it that start with it (0 when there are none).
    /// A text that continues `prefix` with a character whose bit is not set
    /// starts no entry there.
    pub fn continuations(&self, prefix: &str) -> u32 {
        self.continuations
            .get(&crate::hash::fx_hash(prefix))
            .copied()
            .unwrap_or(0)
    }

    /// This lexicon's unique id.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The cue for a surface or base form.
    pub fn get(&self, key: &str) -> Option<Cue> {
        self.cues.get(key).copied()
    }

    /// The code of a cue of this lexicon's (0 for none or another's).
    pub(crate) fn code(&self, cue: Option<Cue>) -> CueCode {
        cue.and_then(|cue| {
            let key = cue_key(cue);
            self.distinct.iter().position(|c| cue_key(*c) == key)
        })
        .map_or(0, |i| i as CueCode + 1)
    }

    /// The cue of a [`CueCode`] from [`Lexicon::code`].
    pub(crate) fn decode(&self, code: CueCode) -> Option<Cue> {
        let i = usize::from(code.checked_sub(1)?);
        self.distinct.get(i).copied()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.cues.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.cues.is_empty()
    }
}

/// One of 32 bits for a character, for [`Lexicon::continuations`] (distinct
/// characters may share a bit: a set bit means "maybe").
pub fn char_bit(c: char) -> u32 {
    1 << ((c as u32).wrapping_mul(0x9E37_79B1) >> 27)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lexicons_parse() {
        let lex = Lexicon::embedded().unwrap();
        assert!(lex.len() > 3000);
        assert_eq!(lex.get("費用"), Some(Cue::Item(-1.0)));
        assert_eq!(lex.get("売上高"), Some(Cue::Item(1.0)));
        assert_eq!(lex.get("増加"), Some(Cue::Move(1.0)));
        assert_eq!(lex.get("歯止め"), Some(Cue::Stop));
        assert_eq!(lex.get("発生"), Some(Cue::Occur));
        assert_eq!(lex.get("ない"), Some(Cue::Negation));
        assert!(matches!(lex.get("好調"), Some(Cue::Polar(w)) if w > 0.0));
        // 赤字 goes on to 赤字幅 (and more); no entry goes on from 赤字額.
        assert_ne!(lex.continuations("赤字") & char_bit('幅'), 0);
        assert_eq!(lex.continuations("赤字額"), 0);
        assert_eq!(lex.continuations("前年同期比"), 0);
        // Every cue has a code that gives it back.
        for &cue in lex.cues.values() {
            assert_eq!(lex.decode(lex.code(Some(cue))), Some(cue));
        }
        assert_eq!(lex.code(None), 0);
        assert_eq!(lex.decode(0), None);
    }

    #[test]
    fn a_weight_that_is_not_a_finite_number_is_an_error() {
        for w in ["NaN", "inf", "x"] {
            let polar = format!("好調\t{w}\n");
            let err = Lexicon::parse("", "", &polar, "").unwrap_err();
            assert!(err.to_string().contains("polar.tsv"), "{err}");
        }
    }
}
