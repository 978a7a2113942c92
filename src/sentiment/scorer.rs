//! The rule scorer: lexicon cues matched on tokens (longest first, on
//! surfaces and base forms), composed within clauses (item × movement,
//! stops, negation, degree), weighted across clauses (contrast, hedges,
//! questions), with evidence for every contribution.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use smallvec::{SmallVec, smallvec};

use super::calibration::{CLASSES, Calibration, NO_FEATURE, WordFamily, softmax};
use super::lexicon::{Cue, CueCode, Lexicon, char_bit};
use super::{CompanySentiment, Evidence, Label, Scored, Sentiment, SentimentReport};
use crate::error::Result;
use crate::extract::{EntityValue, Found, window_after};
use crate::hash::{FxHashMap, HashMap64, fx_hash};
use crate::span::Span;
use crate::tokenize::RawToken;

/// Scores with |score| below this are neutral (chosen on one half of the
/// Economy Watchers development split, checked on the other). Scores are `s / (1 + |s|)`
/// of the summed contributions, so one plain cue (±1) scores ±0.5 and a
/// hedged or diminished one falls into the band.
pub const NEUTRAL_BAND: f32 = 0.4;

/// How far (in tokens) an item reaches forward to the movement it composes
/// with (`費用が大幅に増加`).
const ITEM_REACH: usize = 6;
/// How far a negation or stop reaches back to the cue it shifts.
const SHIFT_REACH: usize = 4;
/// Weight of a movement with no item it moves (`上昇した`, `引き上げ`): what
/// rose is unknown, so it says little.
const BARE_MOVEMENT: f32 = 0.5;
/// What a clause before a contrast (`〜が、`, `〜ものの`) still weighs: the
/// later clause decides (`上向きになっていたが、荷動きが良くない` is
/// negative), and the conceded one only leans the score. Measured on the
/// survey's held-out months (macro-F1 0.698 with 1.0; 0.701 with 0.5, 0.703
/// with 0.3, 0.705 with 0.0) and our news (rules 0.877 → 0.885 with 0.3); 0
/// would drop the conceded clause's evidence altogether.
const CONCEDED_CLAUSE: f32 = 0.3;
/// Weight of an undesirable item mentioned with no movement (`減損損失を計上`).
const BARE_UNDESIRABLE: f32 = -0.15;
/// Weight of an undesirable item that a clause ends up in
/// (`3期連続の赤字となった`, `債務超過に陥った`).
const UNDESIRABLE_STATE: f32 = -0.7;
/// What a rise that went no further (`2%増にとどまった`) weighs, reversed:
/// reported as a shortfall, it reads as one.
const LIMITED_RISE: f32 = 0.8;
/// What a fall held to little (`下落は小幅にとどまった`), or a good word
/// (`影響は軽微にとどまる`), still weighs.
const LIMITED_FALL: f32 = 0.5;
/// Weight of an item held at a level (`受注は計画の半分にとどまった`), times
/// its desirability, reversed.
const LIMITED_ITEM: f32 = 0.8;

/// The lexicon's and the calibration layer's answers for one token on its
/// own: the cues of its surface and (when it differs) its base form,
/// whether a longer entry can start with it, and the numbers of its word
/// features. A dictionary word always gets the same answers, so a thread
/// remembers them (see [`WORD_CUES`]) and a document looks each token up
/// once.
///
/// A document holds one of these per token and a thread remembers
/// thousands, so they are kept to 16 bytes: memory the scorer touches is
/// memory the tokenizer must fetch again for the next document.
#[derive(Debug, Clone, Copy)]
struct WordCues {
    /// The document model's number of the word its features are named
    /// after: its base form for a content word, else its surface (see
    /// [`WordFamily`]); [`NO_FEATURE`] for none.
    word: u32,
    /// The [`char_bit`]s (folded, see [`fold_bits`]) of the characters that
    /// continue its surface in longer entries (0: no longer entry starts
    /// with it).
    continuations: u16,
    /// The folded [`char_bit`]s of the first characters of its surface and
    /// base form: a run of tokens grows by this one only if an entry
    /// continues the run with one of them.
    lead: u16,
    /// The cues of its surface and its base form.
    surface: CueCode,
    base: CueCode,
    /// What kind of word it is, as flags.
    kind: WordKind,
}

/// [`char_bit`]s folded into 16: a bit set in two sets stays set in both,
/// so a test for a common character still never misses one.
fn fold_bits(bits: u32) -> u16 {
    (bits | (bits >> 16)) as u16
}

/// Flags of a [`WordCues`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct WordKind(u16);

impl WordKind {
    /// A symbol or numeral: no entry starts with one.
    const SYMBOL_OR_NUMERAL: WordKind = WordKind(1);
    /// A content word (see [`content_lemma`]).
    const CONTENT: WordKind = WordKind(1 << 1);
    /// A content word that is a light verb (する, ある, なる, いる): never a
    /// sentence's predicate feature.
    const LIGHT_VERB: WordKind = WordKind(1 << 2);
    /// A negating auxiliary (see [`is_negation`]).
    const NEGATION: WordKind = WordKind(1 << 3);
    /// A full stop (`。`): the end of a sentence's predicate.
    const FULL_STOP: WordKind = WordKind(1 << 4);
    /// A word a figure cue can start with (see [`figure_cue`]).
    const FIGURE_LEAD: WordKind = WordKind(1 << 5);
    /// A word a lexicon entry can start with: it has a cue of its own or
    /// longer entries continue it.
    const STARTS_ENTRY: WordKind = WordKind(1 << 6);
    /// A word whose base form differs from its surface (an inflected verb
    /// or adjective): only then is the base form worth reading.
    const BASE_DIFFERS: WordKind = WordKind(1 << 7);
    /// Part of a figure, its unit or its range (`42`, `億`, `円`, `から`,
    /// a bracket): not counted when an item reaches for its movement
    /// (see [`within_reach`], [`grammar_kind`]).
    const FIGURE_PART: WordKind = WordKind(1 << 8);
    /// The particle は, が or も after a clause's subject or topic (see
    /// [`is_subject`]).
    const SUBJECT_PARTICLE: WordKind = WordKind(1 << 9);
    /// The object particle を (see [`is_object`]).
    const OBJECT_PARTICLE: WordKind = WordKind(1 << 10);
    /// An opening or a closing bracket.
    const BRACKET_OPEN: WordKind = WordKind(1 << 11);
    const BRACKET_CLOSE: WordKind = WordKind(1 << 12);
    /// A word that states a cause (により, 伴う, ため, 背景; see
    /// [`cause_between`]).
    const CAUSE: WordKind = WordKind(1 << 13);
    /// 声 or 影響, as in 懸念の声が, 供給制約の影響が (see [`voiced_subject`]).
    const VOICE: WordKind = WordKind(1 << 14);
    /// A share price's move after a figure by its base form (高, 安, 円高,
    /// 円安: `3%高`, `318円安`).
    const PRICE_MOVE: WordKind = WordKind(1 << 15);

    fn with(self, flag: WordKind, on: bool) -> WordKind {
        if on { WordKind(self.0 | flag.0) } else { self }
    }

    const fn or(self, flag: WordKind) -> WordKind {
        WordKind(self.0 | flag.0)
    }
}

impl WordCues {
    fn is(&self, flag: WordKind) -> bool {
        self.kind.0 & flag.0 != 0
    }
}

/// The indexes of the tokens in a range whose answers have any of some
/// flags, in order. Most tokens have none of the flags a pass looks for
/// (particles, figures); their answers are tested 64 at a time into a
/// mask, not one by one with a branch each, which the processor could not
/// predict.
struct Flagged<'c> {
    cues: &'c [WordCues],
    flags: u16,
    end: usize,
    /// First token of the current block of 64.
    block: usize,
    /// Which tokens of the block are still to come.
    bits: u64,
}

impl<'c> Flagged<'c> {
    fn new(cues: &'c [WordCues], start: usize, end: usize, flags: WordKind) -> Self {
        let mut f = Flagged {
            cues,
            flags: flags.0,
            end: end.min(cues.len()),
            block: start,
            bits: 0,
        };
        f.bits = f.block_bits();
        f
    }

    /// The flagged tokens of the block of 64 from `self.block`.
    fn block_bits(&self) -> u64 {
        let to = self.end.min(self.block.saturating_add(64));
        let cues = self.cues.get(self.block..to).unwrap_or_default();
        cues.iter().enumerate().fold(0, |bits, (j, c)| {
            bits | (u64::from(c.kind.0 & self.flags != 0) << j)
        })
    }

    /// Passes over the tokens before `i`.
    fn skip_to(&mut self, i: usize) {
        if i >= self.block + 64 {
            self.block = i;
            self.bits = self.block_bits();
        } else if i > self.block {
            self.bits &= u64::MAX << (i - self.block);
        }
    }
}

impl Iterator for Flagged<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.block += 64;
            if self.block >= self.end {
                return None;
            }
            self.bits = self.block_bits();
        }
        let j = self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(self.block + j)
    }
}

impl Default for WordCues {
    /// No cue, no feature.
    fn default() -> Self {
        WordCues {
            kind: WordKind::default(),
            surface: 0,
            base: 0,
            continuations: 0,
            lead: 0,
            word: NO_FEATURE,
        }
    }
}

fn word_number(k: u32) -> Option<u32> {
    (k != NO_FEATURE).then_some(k)
}

/// A thread's remembered [`WordCues`] for one lexicon and calibration model
/// (by id), and its buffer for one document's.
#[derive(Default)]
struct WordCache {
    models: (u64, u64),
    memo: Memo,
    document: Vec<WordCues>,
}

/// A thread keeps the caches of this many models (a process may score with
/// the rules alone and with the calibration layer, on the same threads).
const MAX_CACHED_MODELS: usize = 4;

/// Remembered [`WordCues`].
#[derive(Default)]
struct Memo {
    /// Dictionary words met a moment ago, by word key. Text repeats its
    /// words, so most tokens are answered here, without a hash table probe.
    recent: Recent<usize, 12>,
    /// Every dictionary word met.
    words: FxHashMap<usize, WordCues>,
    /// Unknown words (Latin names, figures, new katakana words), whose
    /// answers depend on their surface too: by the surface's hash, confirmed
    /// by the surface and the unknown-word class.
    unknown: HashMap64<(Box<str>, usize, WordCues)>,
    /// Short unknown words (figures, symbols: a fifth of all tokens), by
    /// their bytes and length packed in a word and their class, compared
    /// whole without a string comparison.
    recent_short: Recent<(u64, usize), 10>,
}

/// A direct-mapped table of `2^BITS` recent answers: a slot holds the last
/// key that maps to it. An empty slot holds the default key, which no word
/// has (word keys and unknown-word classes are addresses). Allocated when
/// first written.
struct Recent<K, const BITS: u32> {
    slots: Vec<(K, WordCues)>,
}

impl<K, const BITS: u32> Default for Recent<K, BITS> {
    fn default() -> Self {
        Recent { slots: Vec::new() }
    }
}

impl<K: Copy + Default + PartialEq, const BITS: u32> Recent<K, BITS> {
    /// The slot of a key's `hash`.
    fn slot(&self, hash: u64) -> usize {
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS)) as usize
    }

    #[inline]
    fn get(&self, slot: usize, key: K) -> Option<WordCues> {
        match self.slots.get(slot) {
            Some((k, w)) if *k == key => Some(*w),
            _ => None,
        }
    }

    fn put(&mut self, slot: usize, key: K, answers: WordCues) {
        if self.slots.is_empty() {
            self.slots = vec![(K::default(), WordCues::default()); 1 << BITS];
        }
        self.slots[slot] = (key, answers);
    }
}

/// A surface of at most 7 bytes packed with its length into a word (`None`
/// for longer ones): equal words, equal surfaces.
fn packed_surface(surface: &[u8]) -> Option<u64> {
    if surface.len() > 7 {
        return None;
    }
    // (Byte by byte: a copy of variable length would be a library call.)
    let mut packed = (surface.len() as u64) << 56;
    for (i, &b) in surface.iter().enumerate() {
        packed |= u64::from(b) << (8 * i);
    }
    Some(packed)
}

thread_local! {
    /// [`WordCues`] by [`RawToken::word_key`], per model, the most recently
    /// used last.
    static WORD_CUES: RefCell<Vec<WordCache>> = const { RefCell::new(Vec::new()) };
}

/// A thread remembers the answers for at most this many words.
const MAX_CACHED_WORDS: usize = 1 << 16;

/// A thread keeps a document buffer of at most this many tokens' answers.
const MAX_POOLED_CUES: usize = 1 << 18;

/// A lexicon entry found over tokens `first..last`.
#[derive(Debug, Clone, Copy)]
struct Match {
    first: usize,
    last: usize,
    cue: Cue,
    /// A price movement (値上がり, 高騰): with no item before it, the thing
    /// moving is a price, which is bad for buyers and businesses alike.
    price: bool,
}

/// The lexicon entries found in a sentence, and the buffer that spells a
/// token run's base form, both reused from one sentence to the next.
#[derive(Debug, Default)]
struct Matches {
    found: Vec<Match>,
    key: String,
}

/// Nouns that name a quantity of the item before them (企業倒産｜件数,
/// 受注｜残高): the item goes on through them.
const QUANTITY_HEADS: &[&str] = &[
    "件数", "数", "額", "量", "高", "総額", "金額", "残高", "規模", "水準",
];

const PRICE_MOVES: &[&str] = &["値上がり", "高騰", "高止まり", "急騰し", "上昇し続け"];
/// Events a company or a market has ahead of it (`決算発表を控える`).
const SCHEDULED: &[&str] = &[
    "発表", "公表", "決算", "会合", "会議", "総会", "会見", "上場", "発売", "選挙", "開示", "講演",
];
/// Movements only a share price or an index makes (`3日ぶりに反落`): with no
/// item named, they say what they say in full. (Not 反発, which is also a
/// backlash.)
const SHARE_MOVES: &[&str] = &["反落", "続落", "続伸", "続騰", "反騰", "急反落", "急反発"];

/// One signed contribution to a score.
#[derive(Debug, Clone, Copy)]
struct Contribution {
    first: usize,
    /// One past the last token that shaped it (a stop or negation extends it).
    last: usize,
    weight: f32,
    negated: bool,
    rule: &'static str,
    clause: usize,
}

/// The composed cues of one token range.
#[derive(Debug, Default)]
struct Composition {
    contributions: SmallVec<[Contribution; 4]>,
    /// Weight of each clause (product of contrast factors before it, times
    /// its hedges).
    clause_weights: SmallVec<[f32; 4]>,
    question: bool,
    flat: bool,
    /// Whether the range opens with a contrast (`ただ、…`).
    opens_with_contrast: Option<f32>,
}

impl Composition {
    fn sum(&self) -> f32 {
        if self.question {
            return 0.0;
        }
        let s: f32 = self
            .contributions
            .iter()
            .map(|c| c.weight * self.clause_weights[c.clause])
            .sum();
        if self.flat { s * 0.5 } else { s }
    }
}

/// Rounds to three decimals in `f64`, so JSON shows `0.881`, not the
/// binary expansion of an `f32`.
fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

fn squash(s: f32) -> f32 {
    (s / (1.0 + s.abs())).clamp(-1.0, 1.0)
}

/// The name of the `b:` feature of two neighbouring content words.
fn pair_feature_name(lemma: &str, next: &str) -> String {
    format!("b:{lemma} {next}")
}

/// Receives the features of the calibration layers.
trait FeatureSink {
    /// A feature by name, its value, and the token range it stands for.
    fn feature(&mut self, name: &str, value: f32, at: Option<(usize, usize)>);

    /// The feature of `family` named after token `i` (see
    /// [`Lemmas::word`]), negated or not. A content word's feature stands
    /// for its token.
    fn word(&mut self, words: Lemmas<'_>, i: usize, family: WordFamily, negated: bool) {
        let name = family.name(words.word(i, family), negated);
        self.feature(&name, 1.0, word_span(family, i));
    }

    /// `b:` and the base forms of neighbouring content words `i` and `j`.
    fn pair(&mut self, words: Lemmas<'_>, i: usize, j: usize) {
        self.feature(&pair_feature_name(words.get(i), words.get(j)), 1.0, None);
    }
}

/// The base forms of a document's tokens, read only when a feature goes by
/// name (a sink that numbers features from [`WordCues`] never reads them).
#[derive(Clone, Copy)]
struct Lemmas<'t> {
    text: &'t str,
    tokens: &'t [RawToken],
}

impl<'t> Lemmas<'t> {
    fn get(self, i: usize) -> &'t str {
        lemma(self.text, &self.tokens[i])
    }

    /// The word token `i`'s features of `family` are named after: a rule
    /// cue's first token by its base form if it is a content word, else by
    /// its surface (`（`); the others are content words, by base form.
    fn word(self, i: usize, family: WordFamily) -> &'t str {
        let t = &self.tokens[i];
        match family {
            WordFamily::PositiveCue | WordFamily::NegativeCue => {
                content_lemma(self.text, t).unwrap_or(&self.text[t.norm.range()])
            }
            _ => lemma(self.text, t),
        }
    }
}

/// The token range a word feature stands for in evidence: a content word's
/// own token.
fn word_span(family: WordFamily, i: usize) -> Option<(usize, usize)> {
    (family == WordFamily::Content).then_some((i, i + 1))
}

/// Collects features by name (for training).
#[derive(Default)]
struct Named(Vec<(String, f32)>);

impl FeatureSink for Named {
    fn feature(&mut self, name: &str, value: f32, _: Option<(usize, usize)>) {
        self.0.push((name.to_string(), value));
    }
}

impl Named {
    /// The features sorted by name, each once.
    fn into_sorted(mut self) -> Vec<(String, f32)> {
        self.0.sort_by(|a, b| a.0.cmp(&b.0));
        self.0.dedup_by(|a, b| a.0 == b.0);
        self.0
    }
}

/// Sums the weights of the features reported to it, each feature once;
/// word and pair features come by number from the document's
/// [`WordCues`] rather than by name.
struct Weigher<'c> {
    cal: &'c Calibration,
    /// The tokens' answers (empty when the features are not the document
    /// model's: then words go by name).
    cues: &'c [WordCues],
    /// Features already counted, by number.
    seen: Vec<u64>,
    /// Content words already weighed, by word number and negation: a
    /// document repeats its words, and a word met again is passed over
    /// before its features are looked up.
    seen_words: Vec<u64>,
    logits: [f32; 3],
    /// Weights of features that stand for tokens, with the tokens.
    words: Vec<([f32; 3], (usize, usize))>,
}

impl<'c> Weigher<'c> {
    fn new(cal: &'c Calibration, cues: &'c [WordCues]) -> Self {
        Weigher {
            cal,
            cues,
            seen: vec![0; cal.len().div_ceil(64)],
            seen_words: if cues.is_empty() {
                Vec::new()
            } else {
                vec![0; (cal.word_count() * 2).div_ceil(64)]
            },
            logits: [0.0; 3],
            words: Vec::new(),
        }
    }

    #[inline]
    fn add(&mut self, k: u32, value: f32, at: Option<(usize, usize)>) {
        let (slot, bit) = (k as usize / 64, 1u64 << (k % 64));
        if self.seen[slot] & bit != 0 {
            return;
        }
        self.seen[slot] |= bit;
        let w = self.cal.weights_of(k);
        for (l, w) in self.logits.iter_mut().zip(w) {
            *l += w * value;
        }
        if let Some(at) = at {
            self.words.push((*w, at));
        }
    }
}

impl FeatureSink for Weigher<'_> {
    fn feature(&mut self, name: &str, value: f32, at: Option<(usize, usize)>) {
        if let Some(k) = self.cal.feature(fx_hash(name), name) {
            self.add(k, value, at);
        }
    }

    #[inline]
    fn word(&mut self, words: Lemmas<'_>, i: usize, family: WordFamily, negated: bool) {
        match self.cues.get(i) {
            Some(c) => {
                let Some(w) = word_number(c.word) else {
                    return;
                };
                if family == WordFamily::Content {
                    let bit = w as usize * 2 + usize::from(negated);
                    let Some(slot) = self.seen_words.get_mut(bit / 64) else {
                        return;
                    };
                    if *slot & (1 << (bit % 64)) != 0 {
                        return;
                    }
                    *slot |= 1 << (bit % 64);
                }
                if let Some(k) = self.cal.word_feature(w, family, negated) {
                    self.add(k, 1.0, word_span(family, i));
                }
            }
            None => {
                let name = family.name(words.word(i, family), negated);
                self.feature(&name, 1.0, word_span(family, i))
            }
        }
    }

    #[inline]
    fn pair(&mut self, words: Lemmas<'_>, i: usize, j: usize) {
        match (self.cues.get(i), self.cues.get(j)) {
            (Some(a), Some(b)) => {
                if let (Some(a), Some(b)) = (word_number(a.word), word_number(b.word))
                    && let Some(k) = self.cal.pair(a, b)
                {
                    self.add(k, 1.0, None);
                }
            }
            _ => self.feature(&pair_feature_name(words.get(i), words.get(j)), 1.0, None),
        }
    }
}

/// The rules' reading of one target (see [`Scorer::read_target`]).
struct TargetReading {
    /// The rules' target score.
    score: f32,
    /// The contribution that decided it, if any in its clause.
    chosen: Option<Contribution>,
    question: bool,
    /// The sentence's composition with the target injected as an item.
    comp: Composition,
    /// The evidence: the chosen contribution, or all when none is chosen.
    single: Composition,
    /// Token range of the target's clause.
    clause: (usize, usize),
    t_first: usize,
    t_last: usize,
    desirability: f32,
    /// Where the next target of the same sentence starts (token index), or
    /// the sentence's end: `売上高は…、営業利益は…` gives each its stretch.
    next_target: usize,
    /// Whether the target is a topic (`Xは`, `Xについては`).
    topic: bool,
}

/// Class probabilities from the features `visit` reports (each counted
/// once), and the word features that pushed toward the most probable class
/// as `(margin, first token, last token)`.
fn weigh(
    cal: &Calibration,
    cues: &[WordCues],
    visit: impl FnOnce(&mut Weigher),
) -> ([f32; 3], Vec<(f32, usize, usize)>) {
    let mut weigher = Weigher::new(cal, cues);
    visit(&mut weigher);
    let Weigher { logits, words, .. } = weigher;
    let p = softmax(logits);
    let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(2);
    let pushes = words
        .into_iter()
        .filter_map(|(w, (first, last))| {
            let margin = w[best] - (w[0] + w[1] + w[2] - w[best]) / 2.0;
            (margin > 0.3).then_some((margin, first, last))
        })
        .collect();
    (p, pushes)
}

/// A label from class probabilities: the most probable class, scored
/// `p(positive) − p(negative)`, with the rule evidence and the three
/// lexical features (`(margin, first token, last token)`) that pushed
/// hardest toward it.
fn calibrated_sentiment<'s>(
    p: [f32; 3],
    mut evidence: Vec<Evidence<'s>>,
    mut pushes: Vec<(f32, usize, usize)>,
    source: &'s str,
    tokens: &[RawToken],
    map: &dyn Fn(Span) -> Span,
) -> Sentiment<'s> {
    let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(2);
    let label = match CLASSES[best] {
        "positive" => Label::Positive,
        "negative" => Label::Negative,
        _ => Label::Neutral,
    };
    pushes.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut used = Vec::new();
    pushes.retain(|x| {
        !used.contains(&x.1) && {
            used.push(x.1);
            true
        }
    });
    for (margin, first, last) in pushes.into_iter().take(3) {
        let span = map(Span::new(
            tokens[first].norm.start,
            tokens[last - 1].norm.end,
        ));
        evidence.push(Evidence {
            text: Cow::Borrowed(source.get(span.range()).unwrap_or("")),
            span,
            weight: round3(if label == Label::Negative {
                -margin
            } else {
                margin
            }),
            negated: false,
            rule: Cow::Borrowed(match best {
                0 => "calibration: word toward positive",
                1 => "calibration: word toward negative",
                _ => "calibration: word toward neutral",
            }),
        });
    }
    Sentiment {
        score: round3(p[0] - p[1]),
        label,
        evidence,
    }
}

/// Target-level neutral band of the rules: the one cue the clause gives a
/// target decides, so any clear sign counts (targets in business reports
/// are almost never neutral).
pub const TARGET_BAND: f32 = 0.05;

fn label(score: f32) -> Label {
    label_with(score, NEUTRAL_BAND)
}

fn label_with(score: f32, band: f32) -> Label {
    if score >= band {
        Label::Positive
    } else if score <= -band {
        Label::Negative
    } else {
        Label::Neutral
    }
}

fn sentiment<'s>(score: f32, evidence: Vec<Evidence<'s>>) -> Sentiment<'s> {
    // Round for stable output; the label is decided before rounding.
    let label = label(score);
    Sentiment {
        score: round3(score),
        label,
        evidence,
    }
}

/// The sentiment scorer and its lexicons.
#[derive(Debug, Clone)]
pub(crate) struct Scorer {
    lex: Arc<Lexicon>,
    calibration: Option<Arc<Calibration>>,
    target_calibration: Option<Arc<Calibration>>,
}

/// Whether a figure cue can start with this token: every one starts with
/// `(`, `%`, or a character led by 0xE2 (`▲`, `△`) or 0xEF (`（`, `％`), or
/// is `倍`, so one byte rules out most tokens (remembered as
/// [`WordKind::FIGURE_LEAD`]).
fn may_lead_figure(surface: &str) -> bool {
    matches!(surface.as_bytes().first(), Some(b'(' | b'%' | 0xE2 | 0xEF)) || surface == "倍"
}

/// Cues written as figures, starting at a token [`may_lead_figure`]:
/// `前年同期比110.8%` (a ratio above or below 100 with no direction word) and
/// `△16億円` / `▲3.2%` (negative figures in statements).
fn figure_cue(text: &str, tokens: &[RawToken], start: usize, i: usize) -> Option<Match> {
    let surface = &text[tokens[i].norm.range()];
    if matches!(surface, "（" | "(") {
        return compared_figure(text, tokens, start, i);
    }
    if matches!(surface, "△" | "▲") && tokens.get(i + 1).is_some_and(|n| n.features[1] == "数")
    {
        if let Some(m) = signed_change(text, tokens, start, i) {
            return Some(m);
        }
        // Where a change started from (前期の▲12億円から…利益に転換) is
        // no cue of its own.
        let past_figure = tokens[i + 1..]
            .iter()
            .take(6)
            .position(|t| {
                !matches!(t.features[1], "数" | "接尾")
                    && !matches!(&text[t.norm.range()], "," | ".")
            })
            .map(|k| i + 1 + k);
        if past_figure.is_some_and(|k| &text[tokens[k].norm.range()] == "から") {
            return None;
        }
        return Some(Match {
            first: i,
            last: i + 2,
            cue: Cue::Polar(-0.6),
            price: false,
        });
    }
    // A ratio to a baseline in percent (前期比97.2%) or as a multiple
    // (前年同期比1.6倍).
    let par = if surface.starts_with(['%', '％']) {
        100
    } else if surface == "倍" {
        1
    } else {
        return None;
    };
    // Back over the number to a baseline ending in 比.
    let mut j = i;
    while j > start && {
        let t = &text[tokens[j - 1].norm.range()];
        tokens[j - 1].features[1] == "数" || t == "." || t == ","
    } {
        j -= 1;
    }
    if j == i || j == start {
        return None;
    }
    if is_sign(&text[tokens[j - 1].norm.range()]) {
        return signed_change(text, tokens, start, j - 1);
    }
    // A ratio to a baseline: 前期比97.2%, 前年比で115.7%, or （同112.9%）
    // after one.
    let mut b = j - 1;
    if b > start
        && matches!(
            &text[tokens[b].norm.range()],
            "で" | "は" | "、" | "ほぼ" | "約"
        )
        && text[tokens[b - 1].norm.range()].ends_with('比')
    {
        b -= 1;
    }
    let base = &text[tokens[b].norm.range()];
    let repeated = base == "同"
        && j >= 2
        && text[tokens[j - 2].norm.range()].ends_with(['(', '（', '、'])
        && surface
            .trim_start_matches(['%', '％'])
            .starts_with([')', '）']);
    if !base.ends_with('比') && !repeated {
        return None;
    }
    // A direction word right after (110%増) is the lexicon's business, and
    // so is a change named after it (前期比3%の増収: 3% more, not 3% of).
    let after = &text[tokens[i].norm.end..];
    let named = after.strip_prefix('の').unwrap_or("");
    if after.starts_with(['増', '減', '上', '下', '高', '安'])
        || named.starts_with(['増', '減', '上', '下', '伸', '低', '拡', '縮', '改', '悪'])
    {
        return None;
    }
    let figure = &text[tokens[j].norm.start..tokens[i].norm.start];
    let value = crate::extract::number::parse_decimal(figure)?;
    let dir = match value.cmp_value(crate::extract::number::Decimal::from_int(par))? {
        std::cmp::Ordering::Greater => 1.0,
        std::cmp::Ordering::Less => -1.0,
        std::cmp::Ordering::Equal => return None,
    };
    Some(Match {
        first: b,
        last: i + 1,
        cue: Cue::Move(dir),
        price: false,
    })
}

/// A plus or minus sign written before a figure (`+`, `-`, `−`, `△`, `▲`).
fn is_sign(surface: &str) -> bool {
    matches!(surface, "+" | "-" | "−" | "△" | "▲")
}

/// `（対前期+2.3%）`, `（同△0.9%）`, `前年同期比−1.5%`: a signed change in
/// percent after its baseline (a word ending in 比, 同, or 対 and the
/// period), starting at the sign, token `sign`. The sign is the direction.
fn signed_change(text: &str, tokens: &[RawToken], start: usize, sign: usize) -> Option<Match> {
    let mut k = sign + 1;
    while tokens
        .get(k)
        .is_some_and(|t| t.features[1] == "数" || matches!(&text[t.norm.range()], "." | ","))
    {
        k += 1;
    }
    let percent = tokens.get(k)?;
    if k == sign + 1 || !text[percent.norm.range()].starts_with(['%', '％']) {
        return None;
    }
    // A direction word right after (+5%増) is the lexicon's business.
    if text[percent.norm.end..].starts_with(['増', '減', '上', '下', '高', '安']) {
        return None;
    }
    let figure = &text[tokens[sign + 1].norm.start..percent.norm.start];
    let value = crate::extract::number::parse_decimal(figure)?;
    if value.is_zero() {
        return None;
    }
    let base = sign.checked_sub(1).filter(|&b| b >= start)?;
    let base_text = &text[tokens[base].norm.range()];
    let first = if base_text.ends_with('比') || base_text == "同" {
        base
    } else if base_text.starts_with('前')
        && base > start
        && &text[tokens[base - 1].norm.range()] == "対"
    {
        base - 1
    } else {
        return None;
    };
    let dir = if text[tokens[sign].norm.range()].starts_with('+') {
        1.0
    } else {
        -1.0
    };
    Some(Match {
        first,
        last: k + 1,
        cue: Cue::Move(dir),
        price: false,
    })
}

/// `92百万円（前期は193百万円）`: an amount with last period's beside it and
/// no direction word. A loss on either side (`（前期は営業損失…）`, `営業損失は…`)
/// makes it a result that improved or worsened; otherwise the amount rose
/// or fell, for the item to judge (sales up is good, costs up bad).
fn compared_figure(text: &str, tokens: &[RawToken], start: usize, i: usize) -> Option<Match> {
    use crate::extract::number::{Decimal, scan};
    let open = tokens[i].norm;
    if i == start || !text[..open.start].ends_with('円') {
        return None;
    }
    let inner_start = open.end;
    // The closing bracket within reach (a search to the text's end at every
    // unclosed `円（` was quadratic).
    let close = inner_start + window_after(text, inner_start, 124).find(['）', ')'])?;
    let inner = &text[inner_start..close];
    if inner.len() > 120
        || !inner.starts_with(['前', '同'])
        || inner.contains(['比', '増', '減', '（', '('])
    {
        return None;
    }
    let close_token = tokens[i..].iter().position(|t| t.norm.start == close)? + i;
    // This period's amount ends right before 円（; last period's is the last
    // amount in the brackets.
    let mut from = open.start.saturating_sub(48).max(tokens[start].norm.start);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let amount_end = open.start - '円'.len_utf8();
    let now = scan(&text[from..amount_end])
        .into_iter()
        .rfind(|n| from + n.end == amount_end)?
        .value
        .ok()?;
    let then = scan(inner)
        .into_iter()
        .rfind(|n| inner[n.end..].starts_with('円'))?
        .value
        .ok()?;
    let loss = |s: &str| s.contains("損失") || s.contains("赤字");
    // The clause before the amount names what it is (営業損失は…).
    let before = &text[tokens[start].norm.start..open.start];
    // (A comma between digits groups thousands: 25,595百万円.)
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let cut = before.char_indices().rev().find(|&(k, c)| {
        c == '、'
            || (c == ','
                && !(digit(before[..k].chars().next_back())
                    && digit(before[k + 1..].chars().next())))
    });
    let clause = cut.map_or(before, |(k, c)| &before[k + c.len_utf8()..]);
    // Or the words right after the brackets do (…円（前期は…円）の営業損失).
    let close_len = text[close..].chars().next().map_or(1, char::len_utf8);
    let after = window_after(text, close + close_len, 48);
    let now_loss = loss(clause)
        || after
            .strip_prefix('の')
            .is_some_and(|a| loss(a.split(['、', '。', ',']).next().unwrap_or(a)));
    let then_loss = loss(inner);
    let signed = |v: Decimal, l: bool| if l { v.negated() } else { v };
    let order = signed(now, now_loss).cmp_value(signed(then, then_loss))?;
    let dir = match order {
        std::cmp::Ordering::Greater => 1.0,
        std::cmp::Ordering::Less => -1.0,
        std::cmp::Ordering::Equal => return None,
    };
    Some(Match {
        first: i,
        last: close_token + 1,
        cue: if now_loss || then_loss {
            Cue::Evaluate(dir)
        } else {
            Cue::Move(dir)
        },
        price: false,
    })
}

/// Whether token `i` ends a clause for target scoring: a comma right after
/// a conjunctive (連用) form, or a sentence end.
fn clause_break(text: &str, tokens: &[RawToken], i: usize) -> bool {
    let surface = &text[tokens[i].norm.range()];
    if surface.contains('。') {
        return true;
    }
    if !surface.ends_with(['、', ',']) {
        return false;
    }
    let prev = if surface.chars().count() > 1 {
        Some(&tokens[i])
    } else {
        i.checked_sub(1).map(|p| &tokens[p])
    };
    prev.is_some_and(|p| {
        let [pos, _, _, _, _, form, ..] = *p.features;
        (matches!(pos, "動詞" | "助動詞" | "形容詞") && form.starts_with("連用"))
            || matches!(&text[p.norm.range()], "て" | "で" | "り" | "ず")
    })
}

/// Token range `[start, end)` of the clause holding the target tokens.
fn target_clause(
    text: &str,
    tokens: &[RawToken],
    matches: &[Match],
    a: usize,
    b: usize,
    t_first: usize,
    t_last: usize,
) -> (usize, usize) {
    let is_contrast = |i: usize| {
        matches
            .iter()
            .any(|m| m.first == i && matches!(m.cue, Cue::Contrast(_)))
    };
    let mut start = a;
    for i in (a..t_first.min(b)).rev() {
        if clause_break(text, tokens, i) || is_contrast(i) {
            start = i + 1;
            break;
        }
    }
    let mut end = b;
    for i in t_last.max(t_first)..b {
        if clause_break(text, tokens, i) || is_contrast(i) {
            end = i + 1;
            break;
        }
    }
    (start, end)
}

/// Whether the target ending before token `end` is a topic: は after it,
/// past particles and function words (Xは, Xでは, Xについては,
/// Xにつきましては, Xにおいては).
fn is_topic(text: &str, tokens: &[RawToken], end: usize) -> bool {
    tokens[end.min(tokens.len())..]
        .iter()
        .take(6)
        .take_while(|t| {
            matches!(t.features[0], "助詞" | "助動詞")
                || t.features[1] == "非自立"
                || matches!(t.features[6], "つく" | "おく" | "関する" | "対する")
        })
        .any(|t| &text[t.norm.range()] == "は")
}

/// Where a topic's predicate ends: the sentence's end `b`, or the comma
/// before another topic that follows a cue (`売上高は5%増、営業利益は…`).
/// A topic before any cue is nested in the topic's own predicate
/// (`完成工事総利益は、完成工事高は減少したものの、…増加`), and one in
/// brackets is a note (`（前期は…の損失）`).
fn topic_scope_end(
    text: &str,
    tokens: &[RawToken],
    contributions: &[Contribution],
    t_last: usize,
    b: usize,
) -> usize {
    let Some(first_cue) = contributions
        .iter()
        .filter(|c| c.first > t_last && c.rule != "undesirable item")
        .map(|c| c.first)
        .min()
    else {
        return b;
    };
    let mut comma = None;
    let mut depth = 0usize;
    for i in first_cue + 1..b.min(tokens.len()) {
        let surface = &text[tokens[i].norm.range()];
        // Symbols run together into one token (`％）、`): count the brackets.
        for ch in surface.chars() {
            match ch {
                '(' | '（' | '「' | '『' | '[' | '［' => depth += 1,
                ')' | '）' | '」' | '』' | ']' | '］' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if surface.ends_with(['、', ',', '，']) {
            comma = Some(i);
        }
        if depth == 0 && surface == "は" && tokens[i].features[0] == "助詞" {
            return comma.map_or(i, |k| k + 1);
        }
    }
    b
}

/// Whether a token's base form is a content word worth a lexical feature.
fn content_lemma<'t>(text: &'t str, t: &'t RawToken) -> Option<&'t str> {
    let [pos, p1, .., base, _, _] = *t.features;
    let keep = match pos {
        "名詞" => !matches!(p1, "数" | "非自立" | "代名詞" | "接尾"),
        // ない itself is a shifter, not a word: it marks the word it negates.
        "動詞" | "形容詞" => p1 == "自立" && base != "ない",
        "副詞" | "形容動詞語幹" => true,
        _ => false,
    };
    keep.then(|| lemma(text, t))
}

/// A token's base form, or its surface when the dictionary gives none.
fn lemma<'t>(text: &'t str, t: &'t RawToken) -> &'t str {
    match t.features[6] {
        "*" => &text[t.norm.range()],
        base => base,
    }
}

/// A negating auxiliary (ない, ぬ, ん).
fn is_negation(t: &RawToken) -> bool {
    t.features[0] == "助動詞" && matches!(t.features[6], "ない" | "ぬ" | "ん")
}

/// Whether a movement at token `first` is near enough to an item ending at
/// `last` to be its movement: at most [`ITEM_REACH`] tokens apart, not
/// counting figures and their units (`営業損失は前年の42億円から5億円に減少`).
fn within_reach(cues: &[WordCues], last: usize, first: usize) -> bool {
    if first <= last + ITEM_REACH {
        return true;
    }
    let mut words = 0;
    for c in cues.get(last..first).unwrap_or(&[]) {
        if !c.is(WordKind::FIGURE_PART) {
            words += 1;
            if words > ITEM_REACH {
                return false;
            }
        }
    }
    true
}

/// Whether the item ending before token `end` is a clause's subject or
/// topic (the particle after it is は, が or も).
fn is_subject(cues: &[WordCues], end: usize) -> bool {
    // Past a short note in brackets: 完全失業率（季節調整値）は.
    let end = match cues.get(end) {
        Some(c) if c.is(WordKind::BRACKET_OPEN) => cues
            .get(end + 1..(end + 8).min(cues.len()))
            .and_then(|note| note.iter().position(|c| c.is(WordKind::BRACKET_CLOSE)))
            .map_or(end, |k| end + 2 + k),
        _ => end,
    };
    cues.get(end)
        .is_some_and(|c| c.is(WordKind::SUBJECT_PARTICLE))
}

/// Whether the negation at token `neg` says that the item ending before
/// token `end` is not there: the item as subject, then `ない` itself
/// (活気がない) or a negated `いる`/`ある` (新規客がいない, 余裕はあまりない),
/// with at most an adverb between.
fn is_absent(tokens: &[RawToken], cues: &[WordCues], end: usize, neg: usize) -> bool {
    if !is_subject(cues, end) {
        return false;
    }
    // No notable movement (目立った動きはない, 大きな変化がない) says that
    // nothing changed, not that the item is missing.
    let notable = |t: &RawToken| matches!(t.features[6], "目立つ" | "大きな" | "特段");
    if tokens[end.saturating_sub(4)..end.saturating_sub(1)]
        .iter()
        .any(notable)
    {
        return false;
    }
    let Some(between) = tokens.get(end + 1..neg) else {
        return false;
    };
    let adverb = |t: &RawToken| t.features[0] == "副詞";
    let exists = |t: &RawToken| {
        t.features[0] == "動詞"
            && t.features[1] == "自立"
            && matches!(t.features[6], "いる" | "ある")
    };
    match (between, tokens.get(neg)) {
        ([] | [_], Some(n)) if n.features[0] == "形容詞" => between.iter().all(adverb),
        ([v] | [_, v], Some(_)) if exists(v) => between.len() == 1 || adverb(&between[0]),
        _ => false,
    }
}

/// Whether a polar noun ending before token `end` is the subject of what
/// follows: 懸念が / 懸念は, or voiced, 懸念の声が / 懸念する声が.
fn voiced_subject(tokens: &[RawToken], cues: &[WordCues], end: usize) -> bool {
    if is_subject(cues, end) {
        return true;
    }
    let voiced = cues.get(end + 1).is_some_and(|c| c.is(WordKind::VOICE))
        && tokens
            .get(end)
            .is_some_and(|t| matches!(t.features[6], "の" | "する"));
    voiced && is_subject(cues, end + 2)
}

/// What a goal weighs of what it names (赤字縮小に向けた計画, 黒字化を目指す):
/// an aim, not an event.
const AIM: f32 = 0.3;

/// Whether the cue ending before token `end` is a goal: followed by
/// に向けた / に向けて or を目指す.
fn aimed_at(tokens: &[RawToken], end: usize) -> bool {
    let base = |i: usize| tokens.get(i).map_or("", |t| t.features[6]);
    matches!(
        (base(end), base(end + 1)),
        ("に", "向ける") | ("を", "目指す")
    )
}

/// Whether a cue ending before token `end` names the state things came from
/// or were in before, not how they are: followed by から (低迷期から上向く,
/// 仕事がない状態から改善), or in a past clause before a noun (低迷していた
/// 人の動きが回復, 好調だった客足が減った).
fn earlier_state(tokens: &[RawToken], end: usize) -> bool {
    let base = |i: usize| tokens.get(i).map_or("", |t| t.features[6]);
    let pos = |i: usize| tokens.get(i).map_or("", |t| t.features[0]);
    // (Only a state: a cue right before から is as often a cause or a ground,
    // 物価高から買い控え, 回復から判断すると.)
    let state = |i: usize| matches!(base(i), "状態" | "時期" | "期" | "水準" | "局面" | "ところ");
    let from = if state(end) {
        end + 1
    } else if state(end.wrapping_sub(1)) {
        end
    } else {
        usize::MAX
    };
    if base(from) == "から" && pos(from) == "助詞" {
        return true;
    }
    // (し)ていた + noun, だった + noun.
    let mut i = end;
    if base(i) == "する" {
        i += 1;
    }
    let past = if matches!(base(i), "て" | "で") && base(i + 1) == "いる" && base(i + 2) == "た"
    {
        i + 3
    } else if base(i) == "だ" && base(i + 1) == "た" {
        i + 2
    } else {
        return false;
    };
    tokens.get(past).is_some_and(|t| {
        t.features[0] == "名詞" && !matches!(t.features[1], "非自立" | "接尾" | "代名詞")
    })
}

/// Whether `before` ends in a percentage of zero (`0.0％`, `0%`).
fn zero_percent_before(before: &str) -> bool {
    let Some(figure) = before.strip_suffix(['%', '％']) else {
        return false;
    };
    let digits = &figure[figure
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
        .len()..];
    digits.contains('0') && digits.chars().all(|c| c == '0' || c == '.')
}

/// Whether the token at `end` is the object particle を: a polar noun or
/// an evaluation before it can be what the verb after it moves
/// (債務超過を解消, 懸念を払拭), within an item's reach.
fn is_object(cues: &[WordCues], end: usize) -> bool {
    cues.get(end)
        .is_some_and(|c| c.is(WordKind::OBJECT_PARTICLE))
}

/// The factor of a degree word (大幅, やや) for a cue starting at token
/// `first`, when the degree is at most three tokens before it; the degree is
/// used up either way.
fn take_degree(degree: &mut Option<(f32, usize)>, first: usize) -> f32 {
    match degree.take() {
        Some((k, at)) if first <= at + 3 => k,
        _ => 1.0,
    }
}

/// Verbs of making up for something (補う, 吸収, カバー): a negated one
/// (コスト増を吸収できず) leaves the cue before it as it was.
const OFFSET_VERBS: &[&str] = &[
    "補う",
    "補える",
    "吸収",
    "カバー",
    "相殺",
    "打ち消す",
    "打ち消せる",
    "埋める",
    "埋められる",
    "補填",
    "穴埋め",
    "跳ね返す",
    "跳ね返せる",
    "賄う",
    "賄える",
];

/// Whether an item no predicate took counts on its own: an undesirable one
/// always (減損損失を計上: a little), a desirable one only as the state a
/// clause ends in, and only 黒字 (`小幅ながら黒字だった`; `売上高は100億円
/// だった` says no more than its figure).
fn stands_bare(tokens: &[RawToken], d: f32, last: usize) -> bool {
    d < 0.0
        || d > 0.0
            && last > 0
            && tokens
                .get(last - 1)
                .is_some_and(|t| t.features[6].ends_with("黒字"))
}

/// Whether the sentence goes on from `at` to say what an account contains
/// (人件費には…退職給付費用が含まれております), naming its items without
/// judging them. (Up to the sentence's full stop, and no further than a
/// sentence's worth of tokens: the tokens are the whole document's.)
fn contained(tokens: &[RawToken], at: usize) -> bool {
    tokens
        .get(at..)
        .unwrap_or(&[])
        .iter()
        .take(64)
        .take_while(|t| t.features[1] != "句点")
        .any(|t| matches!(t.features[6], "含む" | "含まれる"))
}

/// A figure, a counter or a word for a level (`8割`, `半分`, `前年並み`):
/// what a held level (とどまる, しか) is told by.
fn tells_level(t: &RawToken) -> bool {
    let [_, p1, p2, .., base, _, _] = *t.features;
    p1 == "数" || p2 == "助数詞" || matches!(base, "並み" | "水準" | "半分" | "%" | "％")
}

/// What an item held at a level says (`売上高は前年並みにとどまった`,
/// `損失は10億円にとどまった`, `予約が半分しか入っていない`), the level's
/// word (とどまる, しか) at `at`: less of the item than one would want, or
/// than one feared. With no item named, a level told (`計画の8割程度に
/// とどまった`) reads as a shortfall; a word alone (`軽微にとどまる`) says
/// nothing.
fn held_level(
    tokens: &[RawToken],
    cues: &[WordCues],
    item: Option<(f32, usize, bool)>,
    at: usize,
) -> Option<(f32, &'static str)> {
    match item {
        // (Its subject, or what the subject counts: 予約キャンセルの件数が
        // 前年の半分以下に; in the same stretch, however the level is told.)
        Some((d, last, false))
            if d != 0.0
                && (is_subject(cues, last)
                    // (Or what is held: 配当を前期と同額にとどめ.)
                    || is_object(cues, last)
                    || tokens.get(last).is_some_and(|t| t.features[6] == "の")
                        && is_subject(cues, last + 2))
                && at <= last + 2 * ITEM_REACH
                && !tokens
                    .get(last..at)
                    .unwrap_or(&[])
                    .iter()
                    .any(|t| t.features[1] == "読点") =>
        {
            Some((-LIMITED_ITEM * d, "limited item"))
        }
        // (A figure, a counter or a level word: not any suffix, 限定的.)
        _ if (at.saturating_sub(4)..at).any(|k| tells_level(&tokens[k])) => {
            Some((-LIMITED_ITEM, "shortfall"))
        }
        _ => None,
    }
}

/// Whether a negation at token `neg` reaches back to a cue ending at token
/// `last`: within [`SHIFT_REACH`] tokens, or further across the light words
/// of a negated reaching or ability (`活況な荷動きには至らず`,
/// `踊り場から脱することはできていない`) — particles, auxiliaries, こと, the
/// verbs 至る / 達する / 及ぶ / できる / いる / おる, and at most one noun the cue
/// qualifies.
fn negation_reaches(tokens: &[RawToken], last: usize, neg: usize) -> bool {
    if neg <= last + SHIFT_REACH {
        // Not past what the cue caused (長雨で野菜が育たず: what is negated is
        // the growing, not the rain).
        return !tokens.get(last..neg).is_some_and(|between| {
            between
                .first()
                .is_some_and(|t| t.features[6] == "で" && t.features[1] == "格助詞")
                && between[1..]
                    .iter()
                    .any(|t| t.features[0] == "動詞" && t.features[1] == "自立")
        });
    }
    let Some(between) = tokens.get(last..neg) else {
        return false;
    };
    // The cue qualifies what is reached (活況な荷動きには, with な as だ;
    // 回復には; 脱すること); a concessive も or a conjunction after it ends
    // its reach (上昇も…至らず).
    if !between
        .first()
        .is_some_and(|t| matches!(t.features[6], "だ" | "の" | "に" | "こと"))
    {
        return false;
    }
    let mut nouns = 0;
    let mut reaching = false;
    for t in between {
        let [pos, p1, .., base, _, _] = *t.features;
        match pos {
            "助詞" | "助動詞" => {}
            "動詞" if matches!(base, "至る" | "達する" | "達す" | "及ぶ" | "できる") => {
                reaching = true
            }
            "動詞" if matches!(base, "いる" | "おる" | "する") => {}
            "名詞" if p1 == "非自立" && base == "こと" => {}
            "名詞" if nouns == 0 => nouns += 1,
            _ => return false,
        }
    }
    reaching
}

/// Cue words that say what comes before them (Xを) happened: negated, X did
/// not (黒字化を達成できなかった). (A verb that is no cue, as in
/// 増益を実現できず, leaves the negation to reach X itself.)
const ACHIEVED: &[&str] = &["達成"];

/// The token after a cause marker (により, に伴い, ため, を受けて) between
/// tokens `from` and `to`, if any.
fn cause_between(cues: &[WordCues], from: usize, to: usize) -> Option<usize> {
    cues.get(from..to)?
        .iter()
        .rposition(|c| c.is(WordKind::CAUSE))
        .map(|k| from + k + 1)
}

/// The flags of [`WordKind`] that say what a word is in a clause's
/// grammar, from its features: read once per word, so the rules read
/// flags, not features (which sit elsewhere in memory).
fn grammar_kind(t: &RawToken) -> WordKind {
    let [pos, p1, .., base, _, _] = *t.features;
    let figure_part = matches!(p1, "数" | "接尾")
        || pos == "接頭詞"
        || (pos == "記号" && !matches!(p1, "句点" | "読点"))
        || (pos == "助詞" && base == "から");
    let cause = match pos {
        "助詞" => matches!(base, "により" | "による" | "によって"),
        // 〜を背景に: what is behind a move is not what moves.
        // (売りに押され反落: what pressed is not what moves.)
        "動詞" => matches!(base, "伴う" | "受ける" | "押す"),
        "名詞" => p1 == "非自立" && base == "ため" || matches!(base, "背景" | "結果"),
        _ => false,
    };
    WordKind::default()
        .with(WordKind::FIGURE_PART, figure_part)
        .with(
            WordKind::SUBJECT_PARTICLE,
            pos == "助詞" && matches!(base, "は" | "が" | "も"),
        )
        .with(WordKind::OBJECT_PARTICLE, pos == "助詞" && base == "を")
        .with(WordKind::BRACKET_OPEN, p1 == "括弧開")
        .with(WordKind::BRACKET_CLOSE, p1 == "括弧閉")
        .with(WordKind::CAUSE, cause)
        .with(WordKind::VOICE, matches!(base, "声" | "影響"))
        .with(
            WordKind::PRICE_MOVE,
            matches!(base, "高" | "安" | "円高" | "円安"),
        )
}

fn is_numeric(text: &str, t: &RawToken) -> bool {
    t.features[1] == "数"
        // A counter (4割減, 3件増, 5人減).
        || t.features[2] == "助数詞"
        || matches!(
            &text[t.norm.range()],
            "%" | "ポイント" | "pt" | "円" | "ドル"
        )
}

impl Scorer {
    pub(crate) fn embedded(calibrated: bool) -> Result<Self> {
        Ok(Scorer {
            lex: Lexicon::embedded()?,
            calibration: if calibrated {
                Calibration::embedded()?
            } else {
                None
            },
            target_calibration: if calibrated {
                Calibration::embedded_targets()?
            } else {
                None
            },
        })
    }

    /// Composition of each sentence.
    fn compositions(
        &self,
        text: &str,
        tokens: &[RawToken],
        cues: &[WordCues],
        sentences: &[Span],
    ) -> Vec<Composition> {
        // Sentences come in order: their token ranges are found by walking
        // the tokens once, not by searching them for every sentence.
        let mut next = 0;
        let mut matches = Matches::default();
        sentences
            .iter()
            .map(|&s| {
                // (From the start again should one ever come out of order.)
                let mut a = if next < tokens.len() && tokens[next].norm.start > s.start {
                    0
                } else {
                    next
                };
                while a < tokens.len() && tokens[a].norm.end <= s.start {
                    a += 1;
                }
                let mut b = a;
                while b < tokens.len() && tokens[b].norm.start < s.end {
                    b += 1;
                }
                // The next sentence starts at this one's last token at the
                // earliest (a token may straddle the boundary).
                next = b.saturating_sub(1).max(a);
                self.matches(text, tokens, cues, a, b, &mut matches);
                self.compose(tokens, cues, &matches.found, None)
            })
            .collect()
    }

    /// Document features for the calibration layer: the rules' composition
    /// (sums, masses, flags) and the base forms of content words.
    /// Calls `sink` with every document feature of the calibration layer:
    /// the rules' composition (sums, masses, flags), the rule cues by sign
    /// and base form, the base forms of content words and pairs of them,
    /// and the predicate of each sentence whose predicate is not a rule cue
    /// (`f:` its last content word other than a light verb, `e:` again for
    /// the last sentence, `x:` the words after it to the sentence end, `¬`
    /// when negated: `推移している`, `変わらない`, `戻りつつある`). A
    /// feature may be reported more than once; it counts once (presence).
    fn visit_features(
        &self,
        text: &str,
        tokens: &[RawToken],
        cues: &[WordCues],
        comps: &[Composition],
        sink: &mut impl FeatureSink,
    ) {
        let words = Lemmas { text, tokens };
        let mut key = String::new();
        let (mut pos, mut neg, mut doc, mut factor) = (0.0f32, 0.0f32, 0.0f32, 1.0f32);
        let (mut flat, mut question, mut contrast, mut hedge) = (false, false, false, false);
        for comp in comps {
            for c in &comp.contributions {
                let w = c.weight * comp.clause_weights[c.clause];
                if w > 0.0 {
                    pos += w
                } else {
                    neg -= w
                }
                let family = if c.weight > 0.0 {
                    WordFamily::PositiveCue
                } else {
                    WordFamily::NegativeCue
                };
                sink.word(words, c.first, family, c.negated);
            }
            if let Some(x) = comp.opens_with_contrast {
                factor *= x;
            }
            doc += comp.sum() * factor;
            flat |= comp.flat;
            question |= comp.question;
            contrast |= comp.clause_weights.len() > 1;
            hedge |= comp.clause_weights.iter().any(|w| *w < 1.0);
        }
        let last = comps.last().map_or(0.0, Composition::sum);
        let first = comps.first().map_or(0.0, Composition::sum);
        let flag = |b: bool| f32::from(u8::from(b));
        for (name, value) in [
            ("bias", 1.0),
            ("rule_sum", doc.clamp(-4.0, 4.0)),
            ("rule_squash", squash(doc)),
            ("pos_mass", pos.min(4.0)),
            ("neg_mass", neg.min(4.0)),
            ("first_sum", first.clamp(-3.0, 3.0)),
            ("last_sum", last.clamp(-3.0, 3.0)),
            ("flat", flag(flat)),
            ("question", flag(question)),
            ("contrast", flag(contrast)),
            ("hedge", flag(hedge)),
            ("sentences", (comps.len() as f32).ln_1p()),
            // Interactions a linear layer cannot form from the masses: cues
            // both ways (often the survey's "unchanged"), and how clearly.
            ("mixed", pos.min(neg).min(2.0)),
            ("abs_sum", doc.abs().min(4.0)),
            (
                "pos_sentences",
                (comps.iter().filter(|c| c.sum() > 0.3).count() as f32).ln_1p(),
            ),
            (
                "neg_sentences",
                (comps.iter().filter(|c| c.sum() < -0.3).count() as f32).ln_1p(),
            ),
        ] {
            sink.feature(name, value, None);
        }
        // Token ranges of the rule cues, sorted, to tell a sentence's
        // predicate that is a cue from one that is not.
        let mut cued: Vec<(usize, usize)> = comps
            .iter()
            .flat_map(|c| &c.contributions)
            .map(|c| (c.first, c.last.max(c.first + 1)))
            .collect();
        cued.sort_unstable();
        // How many cues start at or before the current predicate (predicates
        // come in text order).
        let mut cued_before = 0;
        // The last content word of the sentence so far that is not a light
        // verb: (token, negated). (The tokens' answers say what each is, so
        // the loop reads the answers alone, not the tokens' features.)
        let mut predicate: Option<(usize, bool)> = None;
        // Only content words, full stops and the last token do anything.
        let visited = WordKind::CONTENT.or(WordKind::FULL_STOP);
        let last = cues
            .last()
            .filter(|c| c.kind.0 & visited.0 == 0)
            .map(|_| cues.len() - 1);
        for i in Flagged::new(cues, 0, cues.len(), visited).chain(last) {
            let word = &cues[i];
            if word.is(WordKind::CONTENT) {
                // The three tokens after it (read together with its own
                // answer, in the same cache lines).
                let after = &cues[i + 1..cues.len().min(i + 4)];
                // A negated word (a negation within three tokens after it)
                // is a different feature (伸びない ≠ 伸びる).
                let negated = after.iter().any(|c| c.is(WordKind::NEGATION));
                sink.word(words, i, WordFamily::Content, negated);
                // Pairs of neighbouring content words (客足 戻る, 単価 上昇),
                // within three tokens.
                if let Some(k) = after.iter().position(|c| c.is(WordKind::CONTENT)) {
                    sink.pair(words, i, i + 1 + k);
                }
                if !word.is(WordKind::LIGHT_VERB) {
                    predicate = Some((i, negated));
                }
            }
            let end = i + 1 == cues.len();
            if (end || word.is(WordKind::FULL_STOP))
                && let Some((j, negated)) = predicate.take()
            {
                // A predicate the rules read as a cue is theirs to weigh
                // (the survey would teach that 増えていない means
                // "unchanged"; in news it is bad).
                while cued.get(cued_before).is_some_and(|r| r.0 <= j) {
                    cued_before += 1;
                }
                if cued[..cued_before]
                    .iter()
                    .rev()
                    .take_while(|r| r.0 + 16 > j)
                    .any(|r| j < r.1)
                {
                    continue;
                }
                let neg_tail = cues[j + 1..=i].iter().any(|c| c.is(WordKind::NEGATION));
                sink.word(words, j, WordFamily::Predicate, negated);
                if end {
                    sink.word(words, j, WordFamily::LastPredicate, negated);
                }
                let stop = if word.is(WordKind::FULL_STOP) {
                    tokens[i].norm.start
                } else {
                    tokens[i].norm.end
                };
                let from = tokens[j].norm.end;
                if from <= stop && stop - from <= 24 {
                    key.clear();
                    key.push_str(if neg_tail { "x¬:" } else { "x:" });
                    key.push_str(&text[from..stop]);
                    sink.feature(&key, 1.0, None);
                }
            }
        }
    }

    /// Document features of a text, sorted and de-duplicated, for training
    /// the calibration layer.
    pub(crate) fn document_features(
        &self,
        text: &str,
        tokens: &[RawToken],
        sentences: &[Span],
    ) -> Vec<(String, f32)> {
        self.with_word_cues(text, tokens, |cues| {
            let comps = self.compositions(text, tokens, cues, sentences);
            let mut named = Named::default();
            self.visit_features(text, tokens, cues, &comps, &mut named);
            named.into_sorted()
        })
    }

    /// Whether a lexicon hit is the word the lexicon means here (part of
    /// speech checks for short, ambiguous entries).
    fn allowed(
        &self,
        text: &str,
        tokens: &[RawToken],
        first: usize,
        last: usize,
        key: &str,
        cue: Cue,
    ) -> bool {
        // A change of zero is none (前期比0.0％増).
        if matches!(cue, Cue::Move(_)) && zero_percent_before(&text[..tokens[first].norm.start]) {
            return false;
        }
        // (The word's features are read only for the cues that need them:
        // they are elsewhere in memory.)
        let t = &tokens[first];
        let pos = || t.features[0];
        let p1 = || t.features[1];
        let single = last - first == 1;
        match cue {
            Cue::Contrast(_) if single && key == "が" => p1() == "接続助詞",
            Cue::Contrast(_) if single && matches!(key, "でも" | "ただ" | "一方") => {
                pos() == "接続詞"
                    || first == 0
                    || matches!(&text[tokens[first - 1].norm.range()], "。" | "、" | "\n")
                    // 利益が増えた一方、費用が膨らんだ: after a predicate and
                    // before a comma or で (not 増える一方だ, "keeps rising").
                    || (key == "一方"
                        && matches!(
                            tokens[first - 1].features[0],
                            "助動詞" | "動詞" | "形容詞"
                        )
                        && tokens
                            .get(last)
                            .is_some_and(|n| matches!(&text[n.norm.range()], "、" | "で")))
            }
            Cue::Negation if single && matches!(key, "ん" | "ぬ" | "ず") => pos() == "助動詞",
            // The noun 伸び is a rise's size (物流費の伸びは想定を下回り); the
            // verb's stem, 伸び始めた, is the rise itself.
            Cue::Size(_) if single && key == "伸び" => pos() == "名詞",
            // An event ahead is no holding back (決算発表を来週に控える;
            // 外出を控える is).
            Cue::Polar(_) if key == "控える" => !tokens[first.saturating_sub(4)..first]
                .iter()
                .position(|t| t.features[6] == "を")
                .and_then(|k| tokens.get((first.saturating_sub(4) + k).wrapping_sub(1)))
                .is_some_and(|t| SCHEDULED.contains(&t.features[6])),
            Cue::Negation if single && key == "ない" => matches!(pos(), "助動詞" | "形容詞"),
            // 〜のか、 mid-sentence is a guess at a cause (ボーナスが増えたのか、
            // 高めのワインが出る), not a question.
            Cue::Question if key == "のか" => tokens
                .get(last)
                .is_none_or(|n| &text[n.norm.range()] != "、"),
            Cue::Question if key == "か" => {
                p1().contains("終助詞")
                    && tokens
                        .get(last)
                        .is_none_or(|n| matches!(&text[n.norm.range()], "。" | "?" | "!" | "\n"))
            }
            Cue::Hedge(_) if key == "そう" => p1() == "特殊",
            // A compound noun (感染症の発生前, 効力発生日, 実施時期) names a
            // time or a measure, not the happening.
            // (A verb made a noun is the happening: 損失が生じることなく.)
            Cue::Occur => tokens
                .get(last)
                .is_none_or(|n| n.features[0] != "名詞" || n.features[6] == "こと"),
            // 在庫がなくなる is a fall; 売れなくなる, after a verb, is its
            // negation (no longer sells), read from its ない.
            Cue::Move(_) if matches!(key, "なくなる" | "無くなる") => {
                first == 0 || !matches!(tokens[first - 1].features[0], "動詞" | "形容詞" | "助動詞")
            }
            // One-character movements and polar words (高, 安, 増, 減) only
            // right after a figure (8%高, 12%増), never as a suffix of a
            // noun (売上高, 受注高).
            Cue::Move(_) | Cue::Polar(_) | Cue::Evaluate(_) if key.chars().count() == 1 => {
                first > 0 && is_numeric(text, &tokens[first - 1])
            }
            // A figure's bound before a noun (2割を超える大幅な減収, 1兆円を
            // 上回る規模の投資) is not a movement; a stated outlook is
            // (1兆円を超える見通し).
            Cue::Move(_)
                if single
                    && matches!(key, "超える" | "上回る" | "下回る")
                    && text[t.norm.range()] == *key
                    && first >= 2
                    && tokens[first - 1].features[6] == "を"
                    && matches!(tokens[first - 2].features[1], "数" | "接尾")
                    && tokens.get(last).is_some_and(|n| {
                        n.features[0] == "名詞"
                            && !matches!(self.lex.get(&text[n.norm.range()]), Some(Cue::Hedge(_)))
                    }) =>
            {
                false
            }
            // 318円安 is a price's fall; 円安 on its own is the currency.
            // (Not in currency news: 円相場は前日比1円安.)
            Cue::Move(_) if matches!(key, "円安" | "円高") => {
                first > 0
                    && is_numeric(text, &tokens[first - 1])
                    && !tokens[first.saturating_sub(12)..first].iter().any(|t| {
                        let s = &text[t.norm.range()];
                        s.contains("円相場") || s.contains("為替") || s.contains("ドル")
                    })
            }
            _ => true,
        }
    }

    /// The answers for every token of a document (see [`WordCues`]), in a
    /// buffer the thread reuses, for `f`.
    fn with_word_cues<R>(
        &self,
        text: &str,
        tokens: &[RawToken],
        mut f: impl FnMut(&[WordCues]) -> R,
    ) -> R {
        let models = (
            self.lex.id(),
            self.calibration.as_ref().map_or(0, |c| c.id()),
        );
        let pooled = WORD_CUES.try_with(|cell| {
            let mut caches = cell.try_borrow_mut().ok()?;
            match caches.iter().position(|c| c.models == models) {
                Some(i) if i + 1 == caches.len() => {}
                Some(i) => {
                    let cache = caches.remove(i);
                    caches.push(cache);
                }
                None => {
                    if caches.len() == MAX_CACHED_MODELS {
                        caches.remove(0);
                    }
                    caches.push(WordCache {
                        models,
                        ..WordCache::default()
                    });
                }
            }
            let WordCache { memo, document, .. } = caches.last_mut()?;
            document.clear();
            document.extend(tokens.iter().map(|t| self.remembered(text, t, memo)));
            let result = f(document);
            if document.capacity() > MAX_POOLED_CUES {
                *document = Vec::new();
            }
            Some(result)
        });
        match pooled {
            Ok(Some(result)) => result,
            // (The thread's cache is in use or gone: answer afresh.)
            _ => {
                let mut memo = Memo::default();
                let document: Vec<WordCues> = tokens
                    .iter()
                    .map(|t| self.remembered(text, t, &mut memo))
                    .collect();
                f(&document)
            }
        }
    }

    /// [`Self::word_cues`], remembered in `memo`. A dictionary word met a
    /// moment ago is answered inline from [`Memo::recent`]; the rest take
    /// the out-of-line paths.
    #[inline]
    fn remembered(&self, text: &str, t: &RawToken, memo: &mut Memo) -> WordCues {
        match t.word_key() {
            Some(key) => {
                let slot = memo.recent.slot(key as u64);
                match memo.recent.get(slot, key) {
                    Some(w) => w,
                    None => self.remembered_word(text, t, key, slot, memo),
                }
            }
            None => self.remembered_unknown(text, t, memo),
        }
    }

    /// [`Self::remembered`] for a dictionary word not in its recent slot.
    #[inline(never)]
    fn remembered_word(
        &self,
        text: &str,
        t: &RawToken,
        key: usize,
        slot: usize,
        memo: &mut Memo,
    ) -> WordCues {
        let w = match memo.words.get(&key) {
            Some(w) => *w,
            None => {
                let w = self.word_cues(text, t);
                if memo.words.len() < MAX_CACHED_WORDS {
                    memo.words.insert(key, w);
                }
                w
            }
        };
        memo.recent.put(slot, key, w);
        w
    }

    /// [`Self::remembered`] for an unknown word: by its surface and class.
    #[inline(never)]
    fn remembered_unknown(&self, text: &str, t: &RawToken, memo: &mut Memo) -> WordCues {
        let surface = &text[t.norm.range()];
        let class = std::ptr::from_ref(t.features) as usize;
        if let Some(packed) = packed_surface(surface.as_bytes()) {
            let key = (packed, class);
            let slot = memo
                .recent_short
                .slot(packed ^ (class as u64).rotate_left(29));
            if let Some(w) = memo.recent_short.get(slot, key) {
                return w;
            }
            let w = self.remembered_by_surface(text, t, surface, class, memo);
            memo.recent_short.put(slot, key, w);
            return w;
        }
        self.remembered_by_surface(text, t, surface, class, memo)
    }

    /// [`Self::word_cues`] of an unknown word, remembered by its surface's
    /// hash, surface and class.
    fn remembered_by_surface(
        &self,
        text: &str,
        t: &RawToken,
        surface: &str,
        class: usize,
        memo: &mut Memo,
    ) -> WordCues {
        let hash = fx_hash(surface);
        if let Some((s, c, w)) = memo.unknown.get(&hash) {
            if **s == *surface && *c == class {
                return *w;
            }
            // (Another word with the same hash: answer afresh.)
            return self.word_cues(text, t);
        }
        let w = self.word_cues(text, t);
        if memo.unknown.len() < MAX_CACHED_WORDS {
            memo.unknown.insert(hash, (surface.into(), class, w));
        }
        w
    }

    /// Lexicon hits over `tokens[start..end]`, longest first, from the
    /// tokens' answers `cues`, into `out` (cleared first).
    fn matches(
        &self,
        text: &str,
        tokens: &[RawToken],
        cues: &[WordCues],
        start: usize,
        end: usize,
        matches: &mut Matches,
    ) {
        let Matches { found: out, key } = matches;
        out.clear();
        // Most tokens start nothing (particles, most nouns): only these are
        // visited.
        let mut starts = Flagged::new(
            cues,
            start,
            end,
            WordKind::STARTS_ENTRY.or(WordKind::FIGURE_LEAD),
        );
        while let Some(i) = starts.next() {
            let mut found = None;
            let word = &cues[i];
            // No entry starts here: at most a figure cue.
            if !word.is(WordKind::STARTS_ENTRY) {
                if let Some(m) = figure_cue(text, tokens, start, i) {
                    out.push(m);
                    starts.skip_to(m.last);
                }
                continue;
            }
            // No entry starts with a symbol or a digit (figures are handled
            // by `figure_cue`).
            let max_n = if word.is(WordKind::SYMBOL_OR_NUMERAL) {
                0
            } else {
                4.min(end - i)
            };
            // Grow the token run while some entry can still start with it and
            // go on with the next token's first character (tokens must be
            // contiguous; the run is then a slice of text).
            let mut n_max = 0;
            while n_max < max_n {
                let next = i + n_max;
                if n_max > 0
                    && (tokens[next].norm.start != tokens[next - 1].norm.end
                        || cues[next].lead
                            & if n_max == 1 {
                                word.continuations
                            } else {
                                fold_bits(self.lex.continuations(
                                    &text[tokens[i].norm.start..tokens[next - 1].norm.end],
                                ))
                            }
                            == 0)
                {
                    break;
                }
                n_max += 1;
            }
            'len: for n in (1..=n_max).rev() {
                if n == 1 {
                    // One token: the remembered answers for its two forms
                    // (a base-form cue is remembered only when the base
                    // form differs from the surface). The base form is read
                    // only for a base-form cue: a word's features are
                    // elsewhere in memory, and most tokens have none.
                    let t = &tokens[i];
                    for (cue, base) in [(word.surface, false), (word.base, true)] {
                        let Some(cue) = self.lex.decode(cue) else {
                            continue;
                        };
                        let form = if base {
                            t.features[6]
                        } else {
                            &text[t.norm.range()]
                        };
                        if self.allowed(text, tokens, i, i + 1, form, cue) {
                            found = Some(Match {
                                first: i,
                                last: i + 1,
                                cue,
                                price: matches!(cue, Cue::Move(_)) && PRICE_MOVES.contains(&form),
                            });
                            break 'len;
                        }
                    }
                    break;
                }
                let run_start = tokens[i].norm.start;
                let last = &tokens[i + n - 1];
                let surface_key = &text[run_start..last.norm.end];
                // The base form of the run: the last token's base after the
                // others' surfaces (read only when it differs: the word's
                // features are elsewhere in memory).
                let base_key = cues[i + n - 1].is(WordKind::BASE_DIFFERS).then(|| {
                    key.clear();
                    key.push_str(&text[run_start..last.norm.start]);
                    key.push_str(last.features[6]);
                    key.as_str()
                });
                for form in [Some(surface_key), base_key].into_iter().flatten() {
                    if let Some(cue) = self.lex.get(form)
                        && self.allowed(text, tokens, i, i + n, form, cue)
                    {
                        found = Some(Match {
                            first: i,
                            last: i + n,
                            cue,
                            price: matches!(cue, Cue::Move(_)) && PRICE_MOVES.contains(&form),
                        });
                        break 'len;
                    }
                }
            }
            let found = found.or_else(|| {
                word.is(WordKind::FIGURE_LEAD)
                    .then(|| figure_cue(text, tokens, start, i))
                    .flatten()
            });
            if let Some(m) = found {
                out.push(m);
                starts.skip_to(m.last);
            }
        }
    }

    /// What the lexicon says about token `t` on its own.
    fn word_cues(&self, text: &str, t: &RawToken) -> WordCues {
        let surface = &text[t.norm.range()];
        let [pos, p1, .., base, _, _] = *t.features;
        let first_bit = |s: &str| s.chars().next().map_or(0, char_bit);
        let lead = fold_bits(first_bit(surface) | if base == "*" { 0 } else { first_bit(base) });
        let base_differs = base != "*" && base != surface;
        // What any word is flagged with, whatever its kind.
        let common = WordKind::default()
            .with(WordKind::FIGURE_LEAD, may_lead_figure(surface))
            .with(WordKind::BASE_DIFFERS, base_differs)
            .or(grammar_kind(t));
        // The document model's number of the word its features are named
        // after (as `Lemmas::word` names them).
        let word = |lemma: Option<&str>| {
            self.calibration
                .as_ref()
                .and_then(|cal| cal.word(lemma.unwrap_or(surface)))
                .unwrap_or(NO_FEATURE)
        };
        // No entry starts with a symbol or a numeral, and neither is a
        // content word.
        if pos == "記号" || p1 == "数" {
            return WordCues {
                kind: common
                    .or(WordKind::SYMBOL_OR_NUMERAL)
                    .with(WordKind::FULL_STOP, p1 == "句点"),
                lead,
                word: word(None),
                ..WordCues::default()
            };
        }
        let lemma = content_lemma(text, t);
        let surface_cue = self.lex.get(surface);
        let base_cue = base_differs
            .then(|| self.lex.get(base).or_else(|| self.potential_cue(pos, base)))
            .flatten();
        let continuations = fold_bits(self.lex.continuations(surface));
        WordCues {
            kind: common
                .with(WordKind::CONTENT, lemma.is_some())
                .with(
                    WordKind::LIGHT_VERB,
                    lemma.is_some_and(|l| matches!(l, "する" | "ある" | "なる" | "いる")),
                )
                .with(WordKind::NEGATION, is_negation(t))
                .with(
                    WordKind::STARTS_ENTRY,
                    continuations != 0 || surface_cue.is_some() || base_cue.is_some(),
                ),
            word: word(lemma),
            surface: self.lex.code(surface_cue),
            base: self.lex.code(base_cue),
            continuations,
            lead,
        }
    }

    /// The cue of the verb a potential form comes from (抜け出せる → 抜け出す,
    /// 増やせる → 増やす), for a verb whose own base form has none: IPADIC
    /// lists potential forms as verbs of their own.
    fn potential_cue(&self, pos: &str, base: &str) -> Option<Cue> {
        const POTENTIAL: [(&str, &str); 9] = [
            ("せる", "す"),
            ("ける", "く"),
            ("げる", "ぐ"),
            ("てる", "つ"),
            ("ねる", "ぬ"),
            ("べる", "ぶ"),
            ("める", "む"),
            ("れる", "る"),
            ("える", "う"),
        ];
        if pos != "動詞" {
            return None;
        }
        let (ending, godan) = POTENTIAL.iter().find(|(e, _)| base.ends_with(e))?;
        let stem = &base[..base.len() - ending.len()];
        if stem.is_empty() {
            return None;
        }
        self.lex.get(&format!("{stem}{godan}"))
    }

    /// Composes the cues of `tokens[start..end]`. `target` injects an item
    /// (the caller's target span, as a token range with its desirability).
    fn compose(
        &self,
        tokens: &[RawToken],
        cues: &[WordCues],
        matches: &[Match],
        target: Option<(usize, usize, f32)>,
    ) -> Composition {
        let mut comp = Composition {
            clause_weights: smallvec![1.0],
            ..Composition::default()
        };
        let mut clause = 0;
        let mut factor = 1.0f32;
        // The strongest hedge of the current clause, applied to its weight
        // when the clause ends.
        let mut hedge = 1.0f32;
        // (desirability, last token, consumed)
        let mut item: Option<(f32, usize, bool)> = None;
        // The unconsumed item the current one followed (the topic of a
        // clause whose cause names another item).
        let mut prior: Option<(f32, usize, bool)> = None;
        let mut degree: Option<(f32, usize)> = None;
        let mut target_pending = target;
        // (first, last, clause, desirability) of items no predicate took:
        // undesirable ones (減損損失を計上), and 黒字 in a state.
        let mut bare_items: Vec<(usize, usize, usize, f32)> = Vec::new();
        // The clause's topic (倒産件数は…), carried past a contrast when
        // its own clause moved it and the next names none (倒産件数は増加が
        // 続いていたが、今月は…減少に転じた).
        let mut topic: Option<(f32, usize, bool)> = None;
        // Where the current clause starts (past its contrast).
        let mut clause_start = 0;
        // (contribution, last token) of a polar noun standing as the item.
        let mut polar_item: Option<(usize, usize)> = None;
        // (item's last token, contribution) of the last item×movement.
        let mut moved: Option<(usize, usize)> = None;
        // The item named when each open bracket opened: an item named in an
        // aside (…経常損失（前期は経常利益22億円）を計上) is not what the
        // predicate after the aside takes.
        let mut asides: SmallVec<[Option<(f32, usize, bool)>; 2]> = SmallVec::new();
        let mut scanned = matches.first().map_or(0, |m| m.first);

        for (n, m) in matches.iter().enumerate() {
            // (With no item and no aside open there is nothing to keep: a
            // bracket opened now could only ever restore nothing.)
            if item.is_none() && asides.is_empty() {
                scanned = scanned.max(m.first);
            }
            for c in cues.get(scanned..m.first).unwrap_or(&[]) {
                if c.is(WordKind::BRACKET_OPEN) {
                    asides.push(item);
                } else if c.is(WordKind::BRACKET_CLOSE)
                    && let Some(Some(outer)) = asides.pop()
                    && item.is_none_or(|it| it.1 != outer.1)
                {
                    // (Not counted as a bare item when the aside's item came.)
                    bare_items.retain(|b| b.1 != outer.1);
                    item = Some(outer);
                }
            }
            scanned = scanned.max(m.last);
            if let Some((t_first, t_last, d)) = target_pending
                && m.first >= t_last
            {
                item = Some((d, t_last, false));
                let _ = t_first;
                target_pending = None;
            }
            let push = |comp: &mut Composition,
                        weight: f32,
                        rule: &'static str,
                        degree: &mut Option<(f32, usize)>| {
                comp.contributions.push(Contribution {
                    first: m.first,
                    last: m.last,
                    weight: weight * take_degree(degree, m.first),
                    negated: false,
                    rule,
                    clause,
                });
            };
            match m.cue {
                Cue::Item(d) => {
                    if let Some((d0, last, false)) = item
                        && stands_bare(tokens, d0, last)
                    {
                        bare_items.push((last.saturating_sub(1), last, clause, d0));
                    }
                    prior = item.filter(|it| !it.2);
                    // A quantity of the item is as desirable as the item, and
                    // is what the clause is about (企業倒産｜件数は…減少).
                    let end = if tokens
                        .get(m.last)
                        .is_some_and(|t| QUANTITY_HEADS.contains(&t.features[6]))
                    {
                        m.last + 1
                    } else {
                        m.last
                    };
                    item = Some((d, end, false));
                    if tokens.get(end).is_some_and(|t| t.features[6] == "は") {
                        topic = item;
                    }
                }
                Cue::Move(dir) => {
                    // What a comparison is made against is not what moves
                    // (削減効果は…物流費の増加分20億円を下回った): the object of
                    // 上回る/下回る is the baseline; the subject before it moves.
                    if matches!(tokens[m.first].features[6], "上回る" | "下回る")
                        && let Some((_, last, _)) = item
                        && last < m.first
                        && !is_subject(cues, last)
                        && (last..m.first).any(|k| cues[k].is(WordKind::OBJECT_PARTICLE))
                    {
                        item = prior.filter(|&(_, p, _)| is_subject(cues, p));
                        prior = None;
                    }
                    // An item inside a cause (費用増等の影響により…減) is not
                    // what moves: the clause's topic before it is.
                    // With no topic before it (不安を背景に下落), nothing named
                    // moves.
                    // (A polar noun standing as the item is not yet moved.)
                    let unmoved = |(_, last, moved): (f32, usize, bool)| {
                        !moved || polar_item.is_some_and(|(_, at)| at == last)
                    };
                    // A topic re-bound past a cause moves however far the
                    // predicate is (有利子負債は返済の進捗により、前期末比86億円
                    // 減少).
                    let mut topic_past_cause = false;
                    if let Some(it @ (d0, last, _)) = item
                        && (prior.is_some() || unmoved(it))
                        && let Some(at) = cause_between(cues, last, m.first)
                    {
                        // (A topic is marked by は or も; a subject marked by
                        // が is the cause's own: 人手不足が続くため、採用の増加.)
                        let topic = |end: usize| {
                            is_subject(cues, end)
                                && tokens
                                    .get(end)
                                    .is_some_and(|t| matches!(t.features[6], "は" | "も"))
                        };
                        item = match prior {
                            Some((d, p, _)) => {
                                topic_past_cause = topic(p);
                                Some((d, at, false))
                            }
                            // The item before the cause is the clause's
                            // topic, not inside the cause: it moves.
                            None if topic(last) => {
                                topic_past_cause = true;
                                Some((d0, at, false))
                            }
                            None => None,
                        };
                        prior = None;
                    }
                    // 3%高, 318円安 after a polar noun (損失計上を嫌気され、
                    // 前日比18%安): the share price's move, not the noun's.
                    let price_after_figure =
                        m.last <= m.first + 2 && cues[m.last - 1].is(WordKind::PRICE_MOVE);
                    let (d, rule) =
                        match item {
                            Some((_, last, _))
                                if price_after_figure
                                    && polar_item.is_some_and(|(_, at)| at == last) =>
                            {
                                (1.0, "price move after a figure")
                            }
                            Some((d, last, _))
                                if topic_past_cause || within_reach(cues, last, m.first) =>
                            {
                                (d, "item×movement")
                            }
                            // The subject of the clause (営業損失は…と、…から縮小)
                            // is what its predicate moves, however far — unless
                            // another subject comes between (過熱感が意識され、
                            // 半導体株は急落: the shares fell; a time as a topic,
                            // 今期は, is no subject).
                            Some((d, last, _))
                                if polar_item.is_none_or(|(_, at)| at != last)
                                && is_subject(cues, last)
                                // (A topic carried past a contrast reaches
                                // only a predicate near the clause's start:
                                // 今月は前年同月を下回り; not 燃料代は上がる一方
                                // なのに…手元に何も残らない.)
                                && (last >= clause_start
                                    || within_reach(cues, clause_start, m.first)
                                    || moved.is_some_and(|(at, k)| {
                                        at == last && comp.contributions[k].clause == clause
                                    }))
                                // (Read over the last stretch only: a
                                // sentence can be a whole unpunctuated text.)
                                && !((last + 2).max(clause_start).max(m.first.saturating_sub(64))
                                    ..m.first)
                                    .any(|k| {
                                    // (も may list movements: 積み増しも削減も;
                                    // an object is what its verb moves:
                                    // 人件費がかさんで、シフトを減らしている.)
                                    // (The object of 上回る/下回る is a baseline:
                                    // 純利益は…市場予想を下回る伸び.)
                                    (cues[k].is(WordKind::SUBJECT_PARTICLE)
                                        && tokens[k].features[6] != "も"
                                        || cues[k].is(WordKind::OBJECT_PARTICLE)
                                            && !matches!(
                                                tokens[m.first].features[6],
                                                "上回る" | "下回る"
                                            ))
                                        && tokens[k - 1].features[0] == "名詞"
                                        // (Nor a figure: 1,000件を下回った.)
                                        && !matches!(tokens[k - 1].features[1], "副詞可能" | "数")
                                        && tokens[k - 1].features[2] != "助数詞"
                                }) =>
                            {
                                (d, "item×movement")
                            }
                            _ if m.price => (-1.0, "price movement"),
                            _ if SHARE_MOVES.contains(&tokens[m.first].features[6]) => {
                                (1.0, "share price movement")
                            }
                            // What starts to move or comes, unnamed (調達の見直しに
                            // 動き始めた), says nothing.
                            // (動く alone is no cue: a match from it is 動き出す or
                            // 動き始める. 来る stays: 常連さんが来なくなった. What
                            // is reached, 達する, is the cue before it: 黒字化には
                            // 達しなかった.)
                            _ if matches!(
                                tokens[m.first].features[6],
                                "動く" | "動き出す" | "動き始める" | "達する" | "達す"
                            ) =>
                            {
                                (0.0, "movement")
                            }
                            // 3%高, 318円安: a share price's move, in full.
                            _ if price_after_figure => (1.0, "price move after a figure"),
                            _ => (BARE_MOVEMENT, "movement"),
                        };
                    match (item, polar_item) {
                        // A quantity whose movement says nothing (出資比率を
                        // 引き上げる): no cue, and no item left to move.
                        _ if d == 0.0 => {}
                        // A polar noun moving (懸念が強まる, 懸念は後退): the
                        // movement composes with it into one cue — unless
                        // another subject comes between (供給過剰が続き、
                        // スポット価格は下落: the price fell).
                        (Some((_, last, _)), Some((_, at)))
                            if at == last
                                && rule == "item×movement"
                                && (last + 1..m.first).any(|k| {
                                    // (Not its own voice: 疑問視する声が広がった.)
                                    cues[k].is(WordKind::SUBJECT_PARTICLE)
                                        && !cues[k - 1].is(WordKind::VOICE)
                                }) =>
                        {
                            push(&mut comp, BARE_MOVEMENT * dir, "movement", &mut degree);
                        }
                        (Some((_, last, _)), Some((k, at)))
                            if at == last && rule == "item×movement" =>
                        {
                            let c = &mut comp.contributions[k];
                            c.weight = d * dir * take_degree(&mut degree, m.first);
                            c.last = m.last;
                            c.rule = "polar item×movement";
                        }
                        // The same item's movement told twice
                        // (同58%減と大きく落ち込んだ) counts once, at its
                        // stronger telling.
                        (Some((_, last, true)), _)
                            if rule == "item×movement"
                                && moved.is_some_and(|(at, k)| {
                                    at == last
                                        && comp.contributions[k].clause == clause
                                        && (comp.contributions[k].weight > 0.0) == (d * dir > 0.0)
                                }) =>
                        {
                            let k = moved.map_or(0, |(_, k)| k);
                            let w = d * dir * take_degree(&mut degree, m.first);
                            let c = &mut comp.contributions[k];
                            if w.abs() > c.weight.abs() {
                                c.weight = w;
                            }
                            c.last = m.last;
                        }
                        _ => {
                            push(&mut comp, d * dir, rule, &mut degree);
                            if let (Some((_, last, _)), "item×movement") = (item, rule) {
                                moved = Some((last, comp.contributions.len() - 1));
                            }
                        }
                    }
                    polar_item = None;
                    if let Some(it) = item.as_mut() {
                        it.2 = true;
                    }
                }
                // A concession (求人を出しても応募がない) is no occurrence.
                Cue::Occur
                    if tokens
                        .get(m.last)
                        .is_some_and(|t| matches!(t.features[6], "て" | "で"))
                        && tokens
                            .get(m.last + 1)
                            .is_some_and(|t| t.features[6] == "も") => {}
                Cue::Occur => {
                    // What occurs is as good as the item (損失が発生,
                    // 利益が出ない, 成約までは至らない): the item right
                    // before it, with only particles, adverbs and figures
                    // between (特別損失58億円を計上; not 株式分割を実施: what is
                    // carried out is the split).
                    // An item already moved is not what occurs
                    // (売上の回復には至らない), and nothing else is.
                    let mut aside = 0u32;
                    if let Some((d, last, false)) = item
                        && d != 0.0
                        && (last..m.first)
                            .filter(|&k| {
                                // (Nor a note in brackets: 為替差損（前期は
                                // 為替差益3億円）を計上.)
                                let c = &cues[k];
                                if c.is(WordKind::BRACKET_OPEN) {
                                    aside += 1;
                                } else if c.is(WordKind::BRACKET_CLOSE) && aside > 0 {
                                    aside -= 1;
                                    return false;
                                }
                                aside == 0 && !c.is(WordKind::FIGURE_PART)
                            })
                            .try_fold(0, |n, k| {
                                // (And a comma, or a time as a topic:
                                // 貸倒損失は、今期は一件も発生しなかった; not
                                // 利益は、前期に計上した…, a relative clause.)
                                let [pos, p1, .., base, _, _] = *tokens[k].features;
                                let time = (p1 == "副詞可能"
                                    || matches!(base, "今期" | "当期" | "前期" | "来期" | "今回"))
                                    && cues
                                        .get(k + 1)
                                        .is_some_and(|c| c.is(WordKind::SUBJECT_PARTICLE));
                                (matches!(pos, "助詞" | "副詞") || p1 == "読点" || time)
                                    .then_some(n + 1)
                            })
                            .is_some_and(|n| n <= 5)
                    {
                        push(&mut comp, d, "item occurs", &mut degree);
                        polar_item = None;
                        if let Some(it) = item.as_mut() {
                            it.2 = true;
                        }
                    }
                }
                Cue::Size(sign) => {
                    // 輸出の減少幅が縮小: the size of the item's fall is an
                    // item of its own, more of which is bad; with no item
                    // before it (下げ幅を縮小) what falls is taken as good.
                    let d = match item {
                        Some((d, last, false)) if within_reach(cues, last, m.first) => d,
                        _ => 1.0,
                    };
                    item = Some((d * sign, m.last, false));
                }
                // A polar noun that an evaluation judges (輸出規制が緩和,
                // 業績不振が深刻化): the evaluation says how it went, as one
                // cue — unless another subject comes between.
                Cue::Evaluate(v)
                    if let (Some((_, last, _)), Some((k, at))) = (item, polar_item)
                        && at == last
                        && comp.contributions[k].clause == clause
                        && within_reach(cues, last, m.first)
                        // (Not one of two: 上方修正も下方修正もせず.)
                        && tokens.get(last).is_some_and(|t| t.features[6] != "も")
                        // (Nor past a predicate or a comma of its own:
                        // 押し目買いが入り、下げ止まった.)
                        && !(last + 1..m.first).any(|j| {
                            let [pos, p1, ..] = *tokens[j].features;
                            (cues[j].is(WordKind::SUBJECT_PARTICLE)
                                && !cues[j - 1].is(WordKind::VOICE))
                                || (pos == "動詞" && p1 == "自立")
                                || p1 == "読点"
                        }) =>
                {
                    let c = &mut comp.contributions[k];
                    c.weight = v * take_degree(&mut degree, m.first);
                    c.last = m.last;
                    c.rule = "polar item×evaluation";
                    polar_item = None;
                    if let Some(it) = item.as_mut() {
                        it.2 = true;
                    }
                }
                Cue::Evaluate(v) => {
                    if let Some(it) = item.as_mut() {
                        it.2 = true;
                    }
                    push(&mut comp, v, "evaluative", &mut degree);
                    // An evaluation in noun form can be what a movement after
                    // it moves, as a polar noun can (供給の遅れが解消).
                    // (The flags first: the word's features are elsewhere in
                    // memory.)
                    if (is_subject(cues, m.last) || is_object(cues, m.last))
                        && tokens
                            .get(m.last.wrapping_sub(1))
                            .is_some_and(|t| t.features[0] == "名詞")
                    {
                        prior = item.filter(|it| !it.2);
                        item = Some((v.signum(), m.last, true));
                        polar_item = Some((comp.contributions.len() - 1, m.last));
                    }
                }
                Cue::Stop => {
                    match comp.contributions.last_mut() {
                        Some(c) if c.clause == clause && m.first <= c.last + SHIFT_REACH => {
                            // A fall that stopped (下落に歯止め) says what it
                            // says in full, whatever fell.
                            let full = if c.rule == "movement" {
                                1.0 / BARE_MOVEMENT
                            } else {
                                1.0
                            };
                            c.weight = -c.weight * full;
                            c.last = m.last;
                            c.rule = "stopped movement";
                        }
                        _ => {
                            let d = item.map_or(1.0, |(d, _, _)| d);
                            push(&mut comp, -0.5 * d, "stop", &mut degree);
                        }
                    }
                    if let Some(it) = item.as_mut() {
                        it.2 = true;
                    }
                }
                // Not limited to (増収にとどまらず): what came before stands.
                Cue::Limit if tokens.get(m.last).is_some_and(is_negation) => {}
                Cue::Limit => {
                    match comp.contributions.last_mut() {
                        // A rise that went no further (2%増にとどまった) is
                        // a shortfall; a fall held to little (下落は小幅に
                        // とどまった) is still a fall, a smaller one, and a
                        // good word held to (影響は軽微にとどまる) still good.
                        Some(c) if c.clause == clause && m.first <= c.last + SHIFT_REACH => {
                            // (For a target, as securities reports are
                            // read, a rise held to 2% is still a rise: 取扱件数は
                            // 前期比2.2%増にとどまりました.)
                            // (So is a good word told with a figure: 計画比
                            // 9割の達成にとどまり.)
                            let rise = c.weight > 0.0
                                && target.is_none()
                                && (matches!(
                                    c.rule,
                                    "item×movement" | "movement" | "price move after a figure"
                                ) || (c.first.saturating_sub(3)..c.first)
                                    .any(|k| tells_level(&tokens[k])));
                            // (A fall is held to little only when it is what
                            // the clause is about: 予想を下回る伸びにとどまった
                            // is a shortfall told twice.)
                            if c.weight > 0.0 || is_subject(cues, c.last) {
                                // (A shortfall weighs what a level held
                                // does, at least: 前年比2%増にとどまった with no
                                // item named.)
                                c.weight = if rise {
                                    -(c.weight * LIMITED_RISE).max(LIMITED_ITEM)
                                } else {
                                    c.weight * LIMITED_FALL
                                };
                                c.last = m.last;
                                c.rule = "limited movement";
                            }
                        }
                        _ => {
                            if let Some((w, rule)) = held_level(tokens, cues, item, m.first) {
                                push(&mut comp, w, rule, &mut degree);
                            }
                        }
                    }
                    // The framing outweighs a level's flatness (前年並み),
                    // and a goal fallen short of is no hedge (目標の7割に
                    // とどまった).
                    comp.flat = false;
                    if tokens.get(m.last).is_some_and(|t| t.features[6] == "た") {
                        hedge = 1.0;
                    }
                    if let Some(it) = item.as_mut() {
                        it.2 = true;
                    }
                }
                Cue::Polar(w) => {
                    push(&mut comp, w, "polar word", &mut degree);
                    // A polar noun can be what a movement after it moves;
                    // it never stands as a bare item.
                    // (Its last word may be a verb's noun form: 失望売り.)
                    if (voiced_subject(tokens, cues, m.last) || is_object(cues, m.last))
                        && tokens.get(m.last.wrapping_sub(1)).is_some_and(|t| {
                            t.features[0] == "名詞"
                                || (t.features[0] == "動詞" && t.features[5].starts_with("連用"))
                        })
                    {
                        prior = item.filter(|it| !it.2);
                        item = Some((w.signum(), m.last, true));
                        polar_item = Some((comp.contributions.len() - 1, m.last));
                    }
                }
                // 〜かねない (may well happen) negates nothing, and nor does
                // とどまらず (not limited to: 増収にとどまらず). (変わらず is a
                // flat word of its own, so its ず is no negation either.)
                Cue::Negation
                    if m.first > 0
                        && matches!(
                            tokens[m.first - 1].features[6],
                            "かねる" | "とどまる" | "留まる"
                        ) => {}
                Cue::Negation => {
                    if let Some(c) = comp.contributions.last_mut()
                        && c.clause == clause
                        && negation_reaches(tokens, c.last, m.first)
                        && !tokens
                            .get(c.last..m.first)
                            .unwrap_or(&[])
                            .iter()
                            .any(|t| OFFSET_VERBS.contains(&t.features[6]))
                    {
                        c.weight = -c.weight;
                        c.negated = !c.negated;
                        c.last = m.last;
                        let (first, clause) = (c.first, c.clause);
                        // Neither one nor the other (上昇も下落もせず), or
                        // what was not achieved (黒字化を達成できなかった):
                        // the negation reaches the cue before too.
                        let joined = |word: &str| {
                            tokens
                                .get(first.wrapping_sub(1))
                                .is_some_and(|t| t.features[6] == word)
                        };
                        // (増えても減ってもいない: a verb takes て before も.)
                        let te = |at: usize| {
                            tokens
                                .get(at)
                                .is_some_and(|t| matches!(t.features[6], "て" | "で"))
                        };
                        let also =
                            |at: usize| tokens.get(at).is_some_and(|t| t.features[6] == "も");
                        let neither =
                            joined("も") && (also(first + 1) || te(first + 1) && also(first + 2));
                        let before_neither = |p: &Contribution| {
                            p.last + 1 == first || p.last + 2 == first && te(p.last)
                        };
                        let unachieved = joined("を")
                            && tokens
                                .get(first)
                                .is_some_and(|t| ACHIEVED.contains(&t.features[6]));
                        let k = comp.contributions.len() - 1;
                        if let Some(p) = k.checked_sub(1).map(|k| &mut comp.contributions[k])
                            && p.clause == clause
                            && (neither && before_neither(p) || unachieved && p.last + 1 == first)
                        {
                            p.negated = !p.negated;
                            if neither {
                                // Neither moved: no polarity, whatever each
                                // would have weighed.
                                p.weight = 0.0;
                                comp.contributions[k].weight = 0.0;
                            } else {
                                p.weight = -p.weight;
                            }
                        }
                    } else if let Some((d, last, false)) = item
                        && d != 0.0
                        && is_absent(tokens, cues, last, m.first)
                    {
                        // 活気がない, 新規客がいない: the item is not there.
                        push(&mut comp, -d, "item absent", &mut degree);
                        if let Some(it) = item.as_mut() {
                            it.2 = true;
                        }
                    } else if let Some(only) =
                        (m.first.saturating_sub(6)..m.first).rev().find(|&k| {
                            // (Or not even so much: 去年の半分もいかなかった.)
                            tokens[k].features[0] == "助詞"
                                && (tokens[k].features[6] == "しか"
                                    || tokens[k].features[6] == "も"
                                        && k > 0
                                        && tells_level(&tokens[k - 1]))
                        })
                        && let Some((w, rule)) = held_level(tokens, cues, item, only)
                    {
                        // 予約がいつもの半分しか入っていない: only so much,
                        // a level held as とどまる holds it (the evidence
                        // from しか to the negation).
                        comp.contributions.push(Contribution {
                            first: only,
                            last: m.last,
                            weight: w * take_degree(&mut degree, only),
                            negated: false,
                            rule,
                            clause,
                        });
                        if let Some(it) = item.as_mut() {
                            it.2 = true;
                        }
                    }
                }
                Cue::Contrast(f) => {
                    if n == 0 {
                        comp.opens_with_contrast = Some(f);
                    }
                    if let Some((d, last, false)) = item
                        && stands_bare(tokens, d, last)
                    {
                        bare_items.push((last.saturating_sub(1), last, clause, d));
                    }
                    comp.clause_weights[clause] *= hedge * CONCEDED_CLAUSE;
                    hedge = 1.0;
                    clause += 1;
                    prior = None;
                    factor *= f;
                    comp.clause_weights.push(factor);
                    item = topic
                        .filter(|&(_, last, _)| {
                            moved.is_some_and(|(at, k)| {
                                at == last && comp.contributions[k].clause + 1 == clause
                            })
                        })
                        .map(|(d, last, _)| (d, last, false));
                    topic = None;
                    clause_start = m.last;
                }
                Cue::Hedge(h) => hedge = hedge.min(h),
                Cue::Degree(k) => degree = Some((k, m.last)),
                Cue::Question => comp.question = true,
                Cue::Flat => comp.flat = true,
            }
        }
        if let Some((d, last, false)) = item
            && stands_bare(tokens, d, last)
        {
            bare_items.push((last.saturating_sub(1), last, clause, d));
        }
        for (first, last, clause, d) in bare_items {
            // (Not where a change started from: 赤字から黒字に.)
            if first >= last
                || tokens.get(last).is_some_and(|t| t.features[6] == "から")
                || d < 0.0 && contained(tokens, last)
            {
                continue;
            }
            // The state a clause ends up in (赤字となった, 債務超過に陥った),
            // not denied (赤字にはならなかった).
            // (Or told with a copula: 赤字だった, 小幅ながら黒字だった.)
            let base = |k: usize| tokens.get(k).map_or("", |t| t.features[6]);
            let reached = if matches!(base(last), "と" | "に")
                && matches!(base(last + 1), "なる" | "陥る" | "転じる")
            {
                Some(last + 2)
            } else if matches!(base(last), "だ" | "です") && tokens[last].features[0] == "助動詞"
            {
                Some(last + 1)
            } else {
                None
            };
            let state = reached.filter(|&end| {
                !(end..(end + 4).min(tokens.len())).any(|k| is_negation(&tokens[k]))
            });
            let (weight, rule, last) = match state {
                Some(end) if d > 0.0 => (-UNDESIRABLE_STATE, "desirable state", end),
                Some(end) => (UNDESIRABLE_STATE, "undesirable state", end),
                None if d > 0.0 => continue,
                None => (BARE_UNDESIRABLE, "undesirable item", last),
            };
            comp.contributions.push(Contribution {
                first,
                last,
                weight,
                negated: false,
                rule,
                clause,
            });
        }
        comp.clause_weights[clause] *= hedge;
        // One pass over what was composed: earlier states go, goals weigh
        // less.
        comp.contributions.retain_mut(|c| {
            if earlier_state(tokens, c.last) {
                return false;
            }
            if aimed_at(tokens, c.last) {
                c.weight *= AIM;
            }
            true
        });
        comp
    }

    fn evidence<'s>(
        &self,
        source: &'s str,
        tokens: &[RawToken],
        comp: &Composition,
        map: &dyn Fn(Span) -> Span,
    ) -> Vec<Evidence<'s>> {
        comp.contributions
            .iter()
            .filter(|c| c.first < c.last && c.last <= tokens.len())
            .map(|c| {
                let norm = Span::new(tokens[c.first].norm.start, tokens[c.last - 1].norm.end);
                let span = map(norm);
                Evidence {
                    text: Cow::Borrowed(source.get(span.range()).unwrap_or("")),
                    span,
                    weight: round3(c.weight * comp.clause_weights[c.clause]),
                    negated: c.negated,
                    rule: Cow::Borrowed(c.rule),
                }
            })
            .collect()
    }

    /// Token index range `[a, b)` of the tokens inside `span`.
    fn token_range(tokens: &[RawToken], span: Span) -> (usize, usize) {
        let a = tokens.partition_point(|t| t.norm.end <= span.start);
        let b = tokens.partition_point(|t| t.norm.start < span.end);
        (a, b.max(a))
    }

    pub(crate) fn score<'s>(
        &self,
        source: &'s str,
        text: &str,
        tokens: &[RawToken],
        sentences: &[Span],
        entities: &[Found],
        map: &dyn Fn(Span) -> Span,
    ) -> Scored<'s> {
        self.with_word_cues(text, tokens, |cues| {
            self.score_with(source, text, tokens, cues, sentences, entities, map)
        })
    }

    /// [`Self::score`] with the tokens' answers.
    #[allow(clippy::too_many_arguments)]
    fn score_with<'s>(
        &self,
        source: &'s str,
        text: &str,
        tokens: &[RawToken],
        cues: &[WordCues],
        sentences: &[Span],
        entities: &[Found],
        map: &dyn Fn(Span) -> Span,
    ) -> Scored<'s> {
        let comps = self.compositions(text, tokens, cues, sentences);
        let mut out = Vec::with_capacity(sentences.len());
        let mut sums = Vec::with_capacity(sentences.len());
        let mut doc_sum = 0.0f32;
        let mut doc_factor = 1.0f32;
        // (Sized once, with room for the calibration layer's three words:
        // grown by doubling, the document's evidence was copied over and
        // over.)
        let mut doc_evidence =
            Vec::with_capacity(comps.iter().map(|c| c.contributions.len()).sum::<usize>() + 3);
        for comp in &comps {
            let sum = comp.sum();
            if let Some(f) = comp.opens_with_contrast {
                doc_factor *= f;
            }
            doc_sum += sum * doc_factor;
            sums.push(sum);
            let evidence = self.evidence(source, tokens, comp, map);
            doc_evidence.extend(evidence.iter().cloned());
            out.push(sentiment(squash(sum), evidence));
        }
        // The calibration layer weighs cues the rules found; where they found
        // none, the text states no polarity the rules can see (an
        // announcement, a schedule), and the rules' neutral stands, as it
        // does for questions.
        let question = comps.iter().any(|c| c.question);
        let document = match &self.calibration {
            Some(cal) if !doc_evidence.is_empty() && !question => {
                self.calibrated(cal, source, text, tokens, cues, &comps, doc_evidence, map)
            }
            _ => sentiment(squash(doc_sum), doc_evidence),
        };
        // Per-company: the sentences that mention it.
        let mut companies: Vec<(&str, f32, usize)> = Vec::new();
        for e in entities {
            let EntityValue::Company(c) = &e.value else {
                continue;
            };
            let id = c.id.as_deref().unwrap_or(&c.name);
            // Sentences are sorted: the one starting last at or before the entity.
            let k = sentences.partition_point(|s| s.start <= e.span.start);
            let Some(k) = k.checked_sub(1).filter(|&k| sentences[k].contains(e.span)) else {
                continue;
            };
            match companies.iter_mut().find(|(i, _, _)| *i == id) {
                Some(entry) => {
                    entry.1 += sums[k];
                    entry.2 += 1;
                }
                None => companies.push((id, sums[k], 1)),
            }
        }
        let companies = companies
            .into_iter()
            .map(|(company, sum, n)| {
                let score = squash(sum / n as f32);
                CompanySentiment {
                    company: company.to_string(),
                    score: round3(score),
                    label: label(score),
                }
            })
            .collect();
        Scored {
            sentences: out,
            report: SentimentReport {
                document,
                companies,
            },
        }
    }

    /// The document sentiment from the calibration layer: label by the most
    /// probable class, score `p(positive) − p(negative)`, and the rule
    /// evidence plus the lexical features that pushed toward the label.
    #[allow(clippy::too_many_arguments)]
    fn calibrated<'s>(
        &self,
        cal: &Calibration,
        source: &'s str,
        text: &str,
        tokens: &[RawToken],
        cues: &[WordCues],
        comps: &[Composition],
        evidence: Vec<Evidence<'s>>,
        map: &dyn Fn(Span) -> Span,
    ) -> Sentiment<'s> {
        let (p, pushes) = weigh(cal, cues, |sink| {
            self.visit_features(text, tokens, cues, comps, sink)
        });
        calibrated_sentiment(p, evidence, pushes, source, tokens, map)
    }

    /// Desirability of a target phrase: the item it ends with, if any
    /// (`営業損失` → 損失 → undesirable), else desirable.
    fn desirability(&self, target: &str) -> f32 {
        for (i, _) in target.char_indices() {
            match self.lex.get(&target[i..]) {
                Some(Cue::Item(d)) => return d,
                // 下落幅: the size of a fall of something good.
                Some(Cue::Size(sign)) => return sign,
                _ => {}
            }
        }
        // Costs by their last character (研究開発費, 為替差損), and prices of
        // what a company buys (原料価格, 輸入価格).
        if target.ends_with(['費', '損']) {
            return -1.0;
        }
        const INPUTS: &[&str] = &[
            "原油",
            "原料",
            "原材料",
            "燃料",
            "仕入",
            "輸入",
            "資材",
            "調達",
        ];
        if target.ends_with("価格") && INPUTS.iter().any(|w| target.contains(w)) {
            return -1.0;
        }
        1.0
    }

    /// Calls `f` for each target with its sentence's token range and the
    /// rules' reading of it; cues are matched once per sentence, however many
    /// targets it holds.
    fn for_targets<R>(
        &self,
        text: &str,
        tokens: &[RawToken],
        sentences: &[Span],
        targets: &[Span],
        mut f: impl FnMut((usize, usize), TargetReading) -> R,
    ) -> Vec<R> {
        self.with_word_cues(text, tokens, |cues| {
            self.for_targets_with(text, tokens, cues, sentences, targets, &mut f)
        })
    }

    /// [`Self::for_targets`] with the tokens' answers.
    fn for_targets_with<R>(
        &self,
        text: &str,
        tokens: &[RawToken],
        cues: &[WordCues],
        sentences: &[Span],
        targets: &[Span],
        f: &mut impl FnMut((usize, usize), TargetReading) -> R,
    ) -> Vec<R> {
        let mut cache: Vec<Option<Vec<Match>>> = vec![None; sentences.len() + 1];
        let mut starts: Vec<usize> = targets.iter().map(|t| t.start).collect();
        starts.sort_unstable();
        targets
            .iter()
            .map(|&target| {
                let k = sentences
                    .iter()
                    .position(|s| s.start <= target.start && target.start < s.end.max(s.start + 1))
                    .unwrap_or(sentences.len());
                let sentence = sentences
                    .get(k)
                    .copied()
                    .unwrap_or(Span::new(0, text.len()));
                let (a, b) = Self::token_range(tokens, sentence);
                let matches = cache[k].get_or_insert_with(|| {
                    let mut found = Matches::default();
                    self.matches(text, tokens, cues, a, b, &mut found);
                    found.found
                });
                let mut reading = self.read_target(text, tokens, cues, (a, b), matches, target);
                // The first target starting after this one, in the sentence.
                reading.next_target = starts
                    .get(starts.partition_point(|&s| s <= target.start))
                    .filter(|&&s| s < sentence.end)
                    .map_or(b, |&s| Self::token_range(tokens, Span::new(s, s)).0)
                    .max(reading.t_first)
                    .min(b);
                f((a, b), reading)
            })
            .collect()
    }

    /// Sentiment toward each target.
    pub(crate) fn toward_all<'s>(
        &self,
        source: &'s str,
        text: &str,
        tokens: &[RawToken],
        sentences: &[Span],
        targets: &[Span],
        map: &dyn Fn(Span) -> Span,
    ) -> Vec<Sentiment<'s>> {
        self.for_targets(text, tokens, sentences, targets, |range, reading| {
            let evidence = self.evidence(source, tokens, &reading.single, map);
            // As for documents, the calibration layer weighs what the rules
            // saw; a target they see no polarity toward (or a question) keeps
            // the rules' neutral.
            let rules_label = label_with(reading.score, TARGET_BAND);
            match &self.target_calibration {
                Some(cal) if !reading.question && rules_label != Label::Neutral => {
                    let (p, pushes) = weigh(cal, &[], |sink| {
                        self.visit_target_features(text, tokens, range, &reading, sink)
                    });
                    calibrated_sentiment(p, evidence, pushes, source, tokens, map)
                }
                _ => Sentiment {
                    label: rules_label,
                    ..sentiment(reading.score, evidence)
                },
            }
        })
    }

    /// Named features of each target for the target calibration layer (for
    /// training it); a feature may repeat and counts once.
    pub(crate) fn target_features(
        &self,
        text: &str,
        tokens: &[RawToken],
        sentences: &[Span],
        targets: &[Span],
    ) -> Vec<Vec<(String, f32)>> {
        self.for_targets(text, tokens, sentences, targets, |range, reading| {
            let mut named = Named::default();
            self.visit_target_features(text, tokens, range, &reading, &mut named);
            named.into_sorted()
        })
    }

    /// The rules' reading of one target: the cue its clause gives it.
    fn read_target(
        &self,
        text: &str,
        tokens: &[RawToken],
        cues: &[WordCues],
        (a, b): (usize, usize),
        matches: &[Match],
        target: Span,
    ) -> TargetReading {
        let (t_first, t_last) = Self::token_range(tokens, target);
        let desirability = self.desirability(text.get(target.range()).unwrap_or(""));
        // Cues inside the target itself (a target such as 売上高の増加) count
        // as after it, so inject the target as an item at its start.
        let mut comp = self.compose(
            tokens,
            cues,
            matches,
            Some((t_first, t_first, desirability)),
        );
        // The target's clause: from the last boundary before it to the first
        // after it, where a boundary is a contrast or a comma after a
        // conjunctive form (増加し、 / 減収となり、). Its predicate comes last
        // in Japanese, so the last cue after the target in the clause decides.
        let clause = target_clause(text, tokens, matches, a, b, t_first, t_last);
        // A topic's predicate comes at the end of its scope, past concessive
        // clauses (営業費用は、修繕費の増加があったものの、…減少した).
        let topic = is_topic(text, tokens, t_last);
        let topic_end =
            topic.then(|| topic_scope_end(text, tokens, &comp.contributions, t_last, b));
        let reach = topic_end.unwrap_or(clause.1);
        // A movement with no item of its own after the target, in its clause
        // or topic scope, is the target's (営業損失は…から大きく縮小した): its
        // desirability turns it.
        for c in &mut comp.contributions {
            if c.rule == "movement" && c.first >= t_first && c.first < reach {
                c.weight *= desirability;
                c.rule = "target×movement";
            }
        }
        let in_clause = |c: &&Contribution| c.first >= clause.0 && c.first < clause.1;
        // A bare undesirable item is the weakest cue: any other wins.
        let strong = |c: &&Contribution| c.rule != "undesirable item";
        let first_after = |only_strong: bool| {
            comp.contributions
                .iter()
                .filter(in_clause)
                .filter(|c| c.first >= t_first && (!only_strong || strong(c)))
                .min_by_key(|c| c.first)
        };
        // A topic whose clause speaks of another item first (営業費用は、
        // 修繕費の増加があったものの、…) is judged by its scope's last cue; one
        // whose clause is its own (人件費は増加したものの、…) by that clause.
        let other_item_before = |c: &Contribution| {
            matches
                .iter()
                .any(|m| matches!(m.cue, Cue::Item(_)) && m.first >= t_last && m.first < c.first)
        };
        let after = match (first_after(true), topic_end) {
            (Some(c), Some(end)) if other_item_before(c) => comp
                .contributions
                .iter()
                .filter(|c| c.first >= t_first && c.first < end && strong(c))
                .max_by_key(|c| c.first),
            (None, Some(end)) => comp
                .contributions
                .iter()
                .filter(|c| c.first >= t_first && c.first < end && strong(c))
                .max_by_key(|c| c.first),
            (first, _) => first,
        }
        .or_else(|| first_after(false));
        let before = comp
            .contributions
            .iter()
            .filter(in_clause)
            .filter(|c| c.first < t_first)
            .max_by_key(|c| c.first);
        let chosen = after.or(before).copied();
        let score = match chosen {
            Some(c) if !comp.question => squash(c.weight),
            _ => squash(comp.sum()),
        };
        let single = Composition {
            contributions: match chosen {
                Some(c) => smallvec![c],
                None => comp.contributions.clone(),
            },
            clause_weights: comp.clause_weights.clone(),
            ..Composition::default()
        };
        TargetReading {
            score,
            chosen,
            question: comp.question,
            comp,
            single,
            clause,
            t_first,
            t_last,
            desirability,
            next_target: b,
            topic,
        }
    }

    /// Calls `sink(name, value, tokens)` with every feature of the target
    /// calibration layer: the rules' reading, the target's desirability and
    /// head word, and the words of its clause and of the sentence's end,
    /// the later ones crossed with desirability (増加 is good for 売上,
    /// bad for 費用). `tokens` is the token range a lexical feature stands
    /// for, for evidence.
    fn visit_target_features(
        &self,
        text: &str,
        tokens: &[RawToken],
        (a, b): (usize, usize),
        r: &TargetReading,
        sink: &mut impl FeatureSink,
    ) {
        let sign = |x: f32| match label_with(x, TARGET_BAND) {
            Label::Positive => "+",
            Label::Negative => "-",
            Label::Neutral => "0",
        };
        let d = if r.desirability < 0.0 { "-" } else { "+" };
        let mut key = String::new();
        let mut emit = |parts: &[&str], value: f32, at: Option<(usize, usize)>| {
            key.clear();
            for p in parts {
                key.push_str(p);
            }
            sink.feature(&key, value, at);
        };
        emit(&["bias"], 1.0, None);
        emit(&["rule"], r.score, None);
        emit(&["r:", sign(r.score)], 1.0, None);
        emit(&["d:", d], 1.0, None);
        if let Some(c) = r.chosen {
            let s3 = sign(c.weight);
            emit(&["rc:", c.rule, s3], 1.0, None);
            // A cue right after the target is its predicate; a far one may
            // belong to something else.
            let gap = c.first.abs_diff(r.t_last);
            let near = match gap {
                0..=3 => "0",
                4..=8 => "1",
                9..=15 => "2",
                _ => "3",
            };
            let side = if c.first >= r.t_first { "a" } else { "b" };
            emit(&["rd:", side, near, s3], 1.0, None);
        }
        for c in &r.comp.contributions {
            if c.first >= r.clause.0 && c.first < r.clause.1 && c.first < tokens.len() {
                let lemma = content_lemma(text, &tokens[c.first])
                    .unwrap_or(&text[tokens[c.first].norm.range()]);
                let side = if c.first >= r.t_first { "c:" } else { "cb:" };
                emit(&[side, sign(c.weight), lemma], 1.0, None);
            }
        }
        let negated_at = |i: usize| tokens[i + 1..].iter().take(3).any(is_negation);
        // The target's head word.
        if let Some(head) = (r.t_first..r.t_last.min(tokens.len()))
            .rev()
            .find_map(|i| content_lemma(text, &tokens[i]))
        {
            emit(&["t:", d, head], 1.0, None);
            // The head word with the rules' reading: which targets the
            // rules tend to misread (在庫量 rising at a warehouse).
            emit(&["th:", sign(r.score), head], 1.0, None);
        }
        // The particle right after the target (は / が / の / を).
        if let Some(t) = tokens.get(r.t_last)
            && t.features[0] == "助詞"
        {
            emit(&["pp:", &text[t.norm.range()]], 1.0, None);
        }
        // Words of the clause after the target, crossed with desirability.
        let mut first_after = true;
        let clause_end = r.clause.1.min(tokens.len());
        for (i, t) in tokens.iter().enumerate().take(clause_end).skip(r.t_last) {
            if let Some(lemma) = content_lemma(text, t) {
                let neg = if negated_at(i) { "¬" } else { "" };
                emit(&["a:", d, neg, lemma], 1.0, Some((i, i + 1)));
                if first_after {
                    emit(&["n:", d, neg, lemma], 1.0, Some((i, i + 1)));
                    first_after = false;
                }
            }
        }
        // Words of the clause before the target.
        for t in tokens.iter().take(r.t_first).skip(r.clause.0) {
            if let Some(lemma) = content_lemma(text, t) {
                emit(&["p:", lemma], 1.0, None);
            }
        }
        // The sentence's last two content words (its main predicate).
        let mut n = 0;
        for i in (r.clause.1.max(a)..b).rev() {
            if let Some(lemma) = content_lemma(text, &tokens[i]) {
                let neg = if negated_at(i) { "¬" } else { "" };
                emit(&["s:", d, neg, lemma], 1.0, Some((i, i + 1)));
                n += 1;
                if n == 2 {
                    break;
                }
            }
        }
        if r.clause.1 >= b {
            emit(&["last_clause"], 1.0, None);
        }
        // A topic (X は / X については) is judged by what the whole sentence
        // comes to: its last cue, and the sum of its cues.
        let topic = r.topic;
        // A topic that opens the sentence names what the sentence is about.
        let t = match (topic, r.t_first <= a + 2) {
            (true, true) => "L",
            (true, false) => "T",
            _ => "_",
        };
        emit(&["tr:", t, sign(r.score)], 1.0, None);
        let sentence: Vec<&Contribution> = r
            .comp
            .contributions
            .iter()
            .filter(|c| c.first >= a && c.first < b)
            .collect();
        if let Some(last) = sentence.iter().max_by_key(|c| c.first) {
            emit(&["fr:", t, sign(last.weight)], 1.0, None);
        }
        let sum: f32 = sentence.iter().map(|c| c.weight).sum();
        emit(&["sr:", t, sign(squash(sum))], 1.0, None);
        if let Some(last) = sentence
            .iter()
            .filter(|c| c.first >= r.t_first && c.first < r.clause.1)
            .max_by_key(|c| c.first)
        {
            emit(&["lc:", sign(last.weight)], 1.0, None);
        }
        // The stretch up to the next target: its first and last cues.
        let stretch: Vec<&Contribution> = r
            .comp
            .contributions
            .iter()
            .filter(|c| c.first >= r.t_first && c.first < r.next_target)
            .collect();
        if r.next_target < b {
            if let Some(c) = stretch.iter().find(|c| c.rule != "undesirable item") {
                emit(&["sg:", sign(c.weight)], 1.0, None);
            }
            if let Some(c) = stretch.last() {
                emit(&["sl:", sign(c.weight)], 1.0, None);
            }
        }
        if r.question {
            emit(&["question"], 1.0, None);
        }
    }
}
