//! Tokens: lindera over IPADIC (embedded) plus the finance user dictionary,
//! returned as plain data with byte spans into the original input.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use lindera::dictionary::{Dictionary, UserDictionary};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::character_definition::CategoryId;
use lindera_dictionary::viterbi::{Lattice, LatticeOptions, WordId};
use once_cell::sync::OnceCell;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::normalize::Normalized;
use crate::span::{CharCounter, Span};

/// IPADIC features of a token, by name. Fields the dictionary leaves empty
/// are `"*"`, as in MeCab's output.
///
/// A token's features point at the dictionary's one parsed copy of its
/// word (16 bytes a token rather than nine strings); features read back
/// from JSON own their text. Either way they serialize as an object of the
/// nine named fields.
#[derive(Clone, Deserialize)]
#[serde(from = "OwnedFeatures")]
pub struct Features(FeatureStore);

#[derive(Clone)]
enum FeatureStore {
    /// The dictionary's copy, loaded once for the whole process.
    Shared(&'static [&'static str; 9]),
    /// Read back from serialized output.
    Owned(Box<[Box<str>; 9]>),
}

/// The names of the nine fields, in MeCab's order.
pub const FEATURE_NAMES: [&str; 9] = [
    "pos",
    "pos_detail_1",
    "pos_detail_2",
    "pos_detail_3",
    "conjugation_type",
    "conjugation_form",
    "base_form",
    "reading",
    "pronunciation",
];

impl Features {
    pub(crate) fn shared(fields: &'static [&'static str; 9]) -> Self {
        Features(FeatureStore::Shared(fields))
    }

    /// Field `i` in MeCab's order (see [`FEATURE_NAMES`]); `"*"` past the
    /// ninth.
    pub fn get(&self, i: usize) -> &str {
        match &self.0 {
            FeatureStore::Shared(fields) => fields.get(i).copied().unwrap_or("*"),
            FeatureStore::Owned(fields) => fields.get(i).map_or("*", |f| f),
        }
    }

    /// The nine fields in MeCab's order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..FEATURE_NAMES.len()).map(|i| self.get(i))
    }

    /// Part of speech (品詞), e.g. `名詞`.
    pub fn pos(&self) -> &str {
        self.get(0)
    }

    /// First subcategory (品詞細分類1), e.g. `固有名詞`.
    pub fn pos_detail_1(&self) -> &str {
        self.get(1)
    }

    /// Second subcategory (品詞細分類2), e.g. `組織`.
    pub fn pos_detail_2(&self) -> &str {
        self.get(2)
    }

    /// Third subcategory (品詞細分類3).
    pub fn pos_detail_3(&self) -> &str {
        self.get(3)
    }

    /// Conjugation type (活用型), e.g. `五段・ラ行`.
    pub fn conjugation_type(&self) -> &str {
        self.get(4)
    }

    /// Conjugation form (活用形), e.g. `連用タ接続`.
    pub fn conjugation_form(&self) -> &str {
        self.get(5)
    }

    /// Dictionary form (原形), e.g. `上がる` for `上がっ`.
    pub fn base_form(&self) -> &str {
        self.get(6)
    }

    /// Reading in katakana (読み).
    pub fn reading(&self) -> &str {
        self.get(7)
    }

    /// Pronunciation in katakana (発音).
    pub fn pronunciation(&self) -> &str {
        self.get(8)
    }

    /// The nine fields in MeCab's order, comma-separated.
    pub fn to_mecab(&self) -> String {
        self.iter().collect::<Vec<_>>().join(",")
    }
}

impl PartialEq for Features {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Features {}

impl std::fmt::Debug for Features {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = f.debug_struct("Features");
        for (name, value) in FEATURE_NAMES.iter().zip(self.iter()) {
            s.field(name, &value);
        }
        s.finish()
    }
}

impl Serialize for Features {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Features", FEATURE_NAMES.len())?;
        for (name, value) in FEATURE_NAMES.iter().zip(self.iter()) {
            s.serialize_field(name, value)?;
        }
        s.end()
    }
}

/// The serialized form of [`Features`], for reading it back.
#[derive(Deserialize)]
#[serde(rename = "Features")]
struct OwnedFeatures {
    pos: String,
    pos_detail_1: String,
    pos_detail_2: String,
    pos_detail_3: String,
    conjugation_type: String,
    conjugation_form: String,
    base_form: String,
    reading: String,
    pronunciation: String,
}

impl From<OwnedFeatures> for Features {
    fn from(f: OwnedFeatures) -> Self {
        Features(FeatureStore::Owned(Box::new(
            [
                f.pos,
                f.pos_detail_1,
                f.pos_detail_2,
                f.pos_detail_3,
                f.conjugation_type,
                f.conjugation_form,
                f.base_form,
                f.reading,
                f.pronunciation,
            ]
            .map(String::into_boxed_str),
        )))
    }
}

/// One token: its text as the caller wrote it, where it is, and what IPADIC
/// says about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token<'a> {
    /// The original text of the token: `&input[span.range()]`.
    pub text: Cow<'a, str>,
    /// Byte span into the original input.
    pub span: Span,
    /// Character span into the original input (`start..end` in `char`s).
    pub char_span: Span,
    /// Dictionary features. They borrow the dictionary, loaded once for the
    /// whole process, never the input: an owned token keeps them as they are.
    pub features: Features,
    /// Whether the word was not in any dictionary (an unknown-word guess).
    pub unknown: bool,
}

impl Token<'_> {
    /// An owned copy that does not borrow the input.
    pub fn into_owned(self) -> Token<'static> {
        Token {
            text: Cow::Owned(self.text.into_owned()),
            span: self.span,
            char_span: self.char_span,
            features: self.features,
            unknown: self.unknown,
        }
    }

    /// The dictionary form, or the text itself when the dictionary has none
    /// (unknown words).
    pub fn lemma(&self) -> &str {
        match self.features.base_form() {
            "*" => &self.text,
            base => base,
        }
    }
}

/// A token of the folded text, before mapping back to the caller's input.
/// Used by the pipeline stages after tokenization.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawToken {
    /// Byte span into the normalized text.
    pub norm: Span,
    /// For a dictionary word (not `unknown`), the one shared entry of that
    /// word in its dictionary's [`WordTable`], so its address identifies
    /// the word (see [`RawToken::word_key`]).
    pub features: &'static [&'static str; 9],
    pub unknown: bool,
}

impl RawToken {
    /// A key for the dictionary word this token is, the same for every
    /// occurrence of the word (and so for its surface and features);
    /// `None` for unknown words, whose surfaces vary.
    pub fn word_key(&self) -> Option<usize> {
        (!self.unknown && !std::ptr::eq(self.features, &UNKNOWN_FEATURES))
            .then(|| std::ptr::from_ref(self.features) as usize)
    }
}

/// The embedded finance user dictionary rows (IPADIC 13-column CSV) that
/// `build.rs` generated; recompiled together with a caller's rows when the
/// builder is given extra user dictionaries.
#[cfg(feature = "embedded-ipadic")]
const FINANCE_USER_CSV: &str = include_str!(concat!(env!("OUT_DIR"), "/finance-user.csv"));

#[cfg(feature = "embedded-ipadic")]
mod embedded {
    lindera_dictionary::embedded_dictionary!("/ipadic", EmbeddedIpadicLoader);

    pub(super) static FINANCE_USER_BIN: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/finance-user.bin"));
}

/// The directory where the build script compiled the embedded IPADIC: a
/// lindera dictionary directory, usable with
/// `Analyzer::builder().dictionary_path(..)` (tests use it to exercise that
/// path without shipping a second dictionary).
#[cfg(feature = "embedded-ipadic")]
#[doc(hidden)]
pub const BUILT_IPADIC_DIR: &str = concat!(env!("OUT_DIR"), "/ipadic");

/// Where the system dictionary comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum DictionarySource {
    /// IPADIC built into the binary.
    Embedded,
    /// A lindera dictionary directory.
    Path(PathBuf),
}

/// One loaded dictionary configuration. Segmenters are created once per
/// configuration and kept for the life of the process, so analyzers built
/// twice share them and tokens can borrow features without borrowing the
/// analyzer.
type SegmenterKey = (DictionarySource, Vec<PathBuf>);
static SEGMENTERS: OnceCell<Mutex<HashMap<SegmenterKey, &'static Loaded>>> = OnceCell::new();

/// A segmenter and the features of its words, each parsed once on first use
/// and then shared by every thread: reading them from the dictionary means
/// splitting and UTF-8-checking the joined entry, and news repeats its
/// words. Tokens point at these features, which keeps a token small.
struct Loaded {
    segmenter: Segmenter,
    /// By dictionary part: unknown-word classes, system words, user words.
    words: [WordTable; 3],
    /// Which characters are whitespace, as lindera skips whitespace tokens
    /// (MeCab's behaviour); `None` when the dictionary has no `SPACE`
    /// category.
    space: Option<Whitespace>,
    /// Whether tokens come straight from lindera's lattice (see
    /// [`Tokenizer::segment_direct`]); off for settings only lindera's own
    /// segmenter applies (a space penalty, kept whitespace, another mode).
    direct: bool,
}

/// The dictionary's `SPACE` category, with a table for the first 256 code
/// points.
struct Whitespace {
    category: CategoryId,
    latin1: [bool; 256],
}

impl Whitespace {
    fn of(dictionary: &Dictionary) -> Option<Self> {
        let definition = &dictionary.character_definition;
        let category = definition.category_id_by_name("SPACE")?;
        let mut latin1 = [false; 256];
        for (code, slot) in latin1.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(code as u32) {
                *slot = definition.lookup_categories(c).contains(&category);
            }
        }
        Some(Whitespace { category, latin1 })
    }

    /// Whether every character of `text` is whitespace.
    fn all(&self, text: &str, dictionary: &Dictionary) -> bool {
        text.chars().all(|c| match self.latin1.get(c as usize) {
            Some(&space) => space,
            None => dictionary
                .character_definition
                .lookup_categories(c)
                .contains(&self.category),
        })
    }
}

/// A thread's Viterbi lattice for one segmenter, with its scratch buffer
/// and what it needs to give memory back after a huge sentence.
#[derive(Default)]
struct Worker {
    lattice: Lattice,
    offsets: Vec<(usize, WordId)>,
    /// Features of words met a moment ago, direct-mapped by word: a few
    /// hot kilobytes in place of a [`WordTable`] slot on a page of its own
    /// for every word (the lattice's walk has pushed those out of cache).
    recent: Vec<(u32, &'static [&'static str; 9])>,
    /// Chunks segmented since the lattice's size was last reviewed, and the
    /// longest sentence (in chars) among them.
    calls: u32,
    longest: usize,
}

impl Worker {
    /// Slots of [`Worker::recent`] (a power of two).
    const RECENT: usize = 1 << 11;

    /// Every 64 chunks, shrinks a lattice grown for a sentence far longer
    /// than any since (as lindera's own workers do).
    fn review_size(&mut self) {
        const REVIEW_CALLS: u32 = 64;
        const FLOOR_CHARS: usize = 4 * 1024;
        self.longest = self.longest.max(self.lattice.take_max_char_len());
        self.calls += 1;
        if self.calls >= REVIEW_CALLS {
            let target = self.longest.max(FLOOR_CHARS);
            if self.lattice.capacity() > target.saturating_mul(2) {
                self.lattice.shrink_to(target);
                self.offsets.shrink_to(target);
            }
            self.calls = 0;
            self.longest = 0;
        }
    }
}

/// The dictionary part of a word, as the word tables number them: 0
/// unknown-word class, 1 system dictionary, 2 user dictionary.
fn word_part(word_id: WordId) -> u8 {
    if word_id.is_unknown() {
        0
    } else if word_id.is_system() {
        1
    } else {
        2
    }
}

/// lindera's longest sentence: text without a delimiter is cut here.
const MAX_SENTENCE_BYTES: usize = 32 * 1024;

/// The end of the sentence starting at `start` as lindera's segmenter
/// finds it: just after `\n`, `\t`, `。` or `、`, or at the first char
/// boundary [`MAX_SENTENCE_BYTES`] in. (The same cuts give the same
/// tokens.)
fn lattice_sentence_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let limit = bytes.len().min(start.saturating_add(MAX_SENTENCE_BYTES));
    let mut at = start;
    // 。 and 、 are E3 80 82 and E3 80 81: looked for by their middle byte,
    // rarer in Japanese text than their last (which continues most kana).
    while let Some(k) = bytes[at..limit]
        .iter()
        .position(|&b| b == b'\n' || b == b'\t' || b == 0x80)
    {
        let i = at + k;
        if bytes[i] != 0x80 {
            return i + 1;
        }
        if i > 0 && bytes[i - 1] == 0xE3 && matches!(bytes.get(i + 1), Some(0x81 | 0x82)) {
            return i + 2;
        }
        at = i + 1;
    }
    // No delimiter: the first char boundary from the limit on.
    let mut end = limit;
    while end < bytes.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// Features by word id, in pages of [`PAGE`] slots allocated when a word of
/// the page is first met, so memory follows the words a process reads
/// rather than the size of the dictionary.
struct WordTable {
    pages: Box<[OnceLock<WordPage>]>,
}

/// [`PAGE`] slots of a [`WordTable`], each filled when its word is met.
type WordPage = Box<[OnceLock<Box<[&'static str; 9]>>]>;

/// Word ids per [`WordTable`] page.
const PAGE: usize = 256;

impl WordTable {
    fn new(words: usize) -> Self {
        WordTable {
            pages: (0..words.div_ceil(PAGE)).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The features of word `id`, from `read` the first time; `None` for an
    /// id beyond the table.
    fn get(
        &self,
        id: usize,
        read: impl FnOnce() -> [&'static str; 9],
    ) -> Option<&[&'static str; 9]> {
        let page = self
            .pages
            .get(id / PAGE)?
            .get_or_init(|| (0..PAGE).map(|_| OnceLock::new()).collect());
        Some(page[id % PAGE].get_or_init(|| Box::new(read())))
    }
}

thread_local! {
    /// One [`Worker`] (a reusable Viterbi lattice and scratch buffer) per
    /// thread and segmenter, keyed by the segmenter's address (segmenters
    /// are built once and never freed). A fresh lattice per call allocates
    /// and frees megabytes, which the allocator returns to the OS and
    /// page-faults back in on the next call.
    static WORKERS: RefCell<Vec<(usize, Worker)>> = const { RefCell::new(Vec::new()) };
}

/// Pooled token buffers of at most this many tokens are kept for reuse.
const MAX_POOLED_TOKENS: usize = 1 << 15;

/// Text goes to lindera in chunks of about this many bytes.
const CHUNK_BYTES: usize = 4096;

thread_local! {
    /// Reusable token buffers of this thread (see [`Tokenizer::with_tokens`]).
    static RAW_BUFFERS: RefCell<Vec<Vec<RawToken>>> = const { RefCell::new(Vec::new()) };
}

/// The end of the chunk starting at `start`: just after the first line break
/// or 。 at least [`CHUNK_BYTES`] in, or the end of the text.
fn chunk_end(text: &str, start: usize) -> usize {
    let mut from = (start + CHUNK_BYTES).min(text.len());
    while !text.is_char_boundary(from) {
        from += 1;
    }
    text[from..].find(['\n', '。']).map_or(text.len(), |i| {
        from + i
            + if text[from + i..].starts_with('\n') {
                1
            } else {
                '。'.len_utf8()
            }
    })
}

/// Calls `f` with each chunk of `text` (see [`chunk_end`]) and its offset.
fn for_each_chunk(text: &str, mut f: impl FnMut(&str, usize)) {
    let mut start = 0;
    while start < text.len() {
        let end = chunk_end(text, start);
        f(&text[start..end], start);
        start = end;
    }
}

/// The tokenizer stage: a shared, immutable segmenter.
#[derive(Clone, Copy)]
pub struct Tokenizer {
    loaded: &'static Loaded,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("dictionary", &self.dictionary_name())
            .field(
                "user_dictionary",
                &self.loaded.segmenter.user_dictionary.is_some(),
            )
            .finish()
    }
}

impl Tokenizer {
    /// The embedded IPADIC with the finance user dictionary.
    ///
    /// # Errors
    /// Fails only if the embedded data is corrupt, or when the crate was built
    /// without the `embedded-ipadic` feature.
    pub fn new() -> Result<Self> {
        Self::load(DictionarySource::Embedded, &[])
    }

    pub(crate) fn load(source: DictionarySource, user_dictionaries: &[PathBuf]) -> Result<Self> {
        let registry = SEGMENTERS.get_or_init(|| Mutex::new(HashMap::new()));
        let key = (source, user_dictionaries.to_vec());
        // A poisoned lock only means another thread panicked while loading;
        // the map itself is still consistent.
        let mut map = registry.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&loaded) = map.get(&key) {
            return Ok(Tokenizer { loaded });
        }
        let segmenter = build_segmenter(&key.0, &key.1)?;
        let words = [
            segmenter.dictionary.unknown_dictionary.words_idx_data.len(),
            segmenter.dictionary.prefix_dictionary.words_idx_data.len() / 4,
            segmenter
                .user_dictionary
                .as_ref()
                .map_or(0, |u| u.dict.words_idx_data.len() / 4),
        ]
        .map(WordTable::new);
        let space = Whitespace::of(&segmenter.dictionary);
        let direct = matches!(segmenter.mode, Mode::Normal)
            && !segmenter.keep_whitespace
            && segmenter.space_penalty_config().is_none();
        let loaded: &'static Loaded = Box::leak(Box::new(Loaded {
            segmenter,
            words,
            space,
            direct,
        }));
        map.insert(key, loaded);
        Ok(Tokenizer { loaded })
    }

    /// Tokenizes `input` (folding widths first); spans point into `input`.
    pub fn tokenize<'a>(&self, input: &'a str) -> Vec<Token<'a>> {
        let normalized = Normalized::new(input);
        let original = normalized.in_order();
        self.with_tokens(normalized.as_str(), |raw| {
            to_tokens(input, raw, |s| original.span_to_original(s))
        })
    }

    /// [`Self::tokenize`] through lindera's own `Segmenter::segment` instead
    /// of reading its lattice directly: the reference the tests hold the
    /// fast path to.
    #[doc(hidden)]
    pub fn tokenize_via_segmenter<'a>(&self, input: &'a str) -> Vec<Token<'a>> {
        let normalized = Normalized::new(input);
        let mut raw = Vec::new();
        for_each_chunk(normalized.as_str(), |chunk, offset| {
            self.segment_with_segmenter(chunk, offset, &mut raw)
        });
        let original = normalized.in_order();
        to_tokens(input, &raw, |s| original.span_to_original(s))
    }

    /// Calls `f` with the tokens of already-normalized `text`, in a buffer
    /// the thread reuses: the pipeline's token list is scratch, and
    /// allocating a fresh one per document costs page faults, not just
    /// copies.
    pub(crate) fn with_tokens<R>(&self, text: &str, f: impl FnOnce(&[RawToken]) -> R) -> R {
        let mut buffer = RAW_BUFFERS
            .try_with(|pool| pool.try_borrow_mut().ok()?.pop())
            .ok()
            .flatten()
            .unwrap_or_default();
        self.tokenize_into(text, &mut buffer);
        let result = f(&buffer);
        buffer.clear();
        // One huge document should not pin its buffer for the thread's life.
        if buffer.capacity() <= MAX_POOLED_TOKENS {
            let _ = RAW_BUFFERS.try_with(|pool| {
                if let Ok(mut pool) = pool.try_borrow_mut()
                    && pool.len() < 4
                {
                    pool.push(buffer);
                }
            });
        }
        result
    }

    /// Replaces `out` with the tokens of `text`. The text goes to lindera in
    /// chunks that end at a line break or 。, both places where lindera
    /// starts a new lattice anyway, so the tokens are the same as for one
    /// call, and lindera's own token list stays small.
    fn tokenize_into(&self, text: &str, out: &mut Vec<RawToken>) {
        out.clear();
        for_each_chunk(text, |chunk, offset| self.segment_chunk(chunk, offset, out));
    }

    /// Appends the tokens of `chunk` (which starts at byte `offset` of the
    /// text), using the thread's lattice for this segmenter.
    fn segment_chunk(&self, chunk: &str, offset: usize, out: &mut Vec<RawToken>) {
        let loaded = self.loaded;
        if loaded.direct {
            let key = std::ptr::from_ref(loaded) as usize;
            // A fresh lattice when the thread is shutting down or (never in
            // practice) already segmenting.
            let done = WORKERS.try_with(|cell| {
                let mut workers = cell.try_borrow_mut().ok()?;
                let i = match workers.iter().position(|(k, _)| *k == key) {
                    Some(i) => i,
                    None => {
                        workers.push((key, Worker::default()));
                        workers.len() - 1
                    }
                };
                self.segment_direct(chunk, offset, &mut workers[i].1, out);
                Some(())
            });
            if let Ok(Some(())) = done {
                return;
            }
            self.segment_direct(chunk, offset, &mut Worker::default(), out);
        } else {
            self.segment_with_segmenter(chunk, offset, out);
        }
    }

    /// [`Self::segment_chunk`] through lindera's `Segmenter::segment`.
    fn segment_with_segmenter(&self, chunk: &str, offset: usize, out: &mut Vec<RawToken>) {
        match self.loaded.segmenter.segment(Cow::Borrowed(chunk)) {
            Ok(tokens) => self.push_raw(&tokens, offset, out),
            // lindera only fails on internal lattice errors; a text it
            // cannot segment is treated as one unknown token rather than
            // dropped.
            Err(_) => out.push(RawToken {
                norm: Span::new(offset, offset + chunk.len()),
                features: &UNKNOWN_FEATURES,
                unknown: true,
            }),
        }
    }

    /// lindera's segmentation of `chunk` read straight off its Viterbi
    /// lattice: the same sentences, the same best path and the same
    /// whitespace skipped as `Segmenter::segment`, without building
    /// lindera's tokens (a surface, positions and dictionary references
    /// each, in a vector grown sentence by sentence) only to copy them
    /// into ours.
    fn segment_direct(&self, chunk: &str, offset: usize, w: &mut Worker, out: &mut Vec<RawToken>) {
        let segmenter = &self.loaded.segmenter;
        let dictionary = &segmenter.dictionary;
        let user = segmenter.user_dictionary.as_ref().map(|u| &u.dict);
        let mut options = LatticeOptions::new(&segmenter.mode);
        options.max_grouping_len = segmenter.max_grouping_len;
        options.unknown_word_ladder = segmenter.unknown_word_ladder;
        let mut start = 0;
        while start < chunk.len() {
            let end = lattice_sentence_end(chunk, start);
            let sentence = &chunk[start..end];
            w.lattice.set_text_with_options(
                &dictionary.prefix_dictionary,
                &user,
                &dictionary.character_definition,
                &dictionary.unknown_dictionary,
                &dictionary.connection_cost_matrix,
                sentence,
                &options,
            );
            w.lattice.tokens_offset_into(&mut w.offsets);
            let base = offset + start;
            let Worker {
                offsets, recent, ..
            } = &mut *w;
            for (i, &(from, word_id)) in offsets.iter().enumerate() {
                let to = offsets.get(i + 1).map_or(sentence.len(), |next| next.0);
                if let Some(space) = &self.loaded.space
                    && space.all(&sentence[from..to], dictionary)
                {
                    continue;
                }
                out.push(self.recent_token(recent, base + from, base + to, word_id));
            }
            start = end;
        }
        w.review_size();
    }

    /// [`Self::raw_token`], its features from the worker's recent words
    /// when there.
    #[inline]
    fn recent_token(
        &self,
        recent: &mut Vec<(u32, &'static [&'static str; 9])>,
        start: usize,
        end: usize,
        word_id: WordId,
    ) -> RawToken {
        let part = word_part(word_id);
        // Word ids stay far below 2^30 (IPADIC has 392,126 words); a
        // larger one would share a key with another word, so it is not
        // remembered.
        let id = word_id.id();
        if id >= 1 << 30 {
            return self.raw_token(start, end, word_id);
        }
        let key = (u32::from(part) << 30) | id;
        let slot =
            (key.wrapping_mul(0x9E37_79B9) >> (32 - Worker::RECENT.trailing_zeros())) as usize;
        if recent.is_empty() {
            *recent = vec![(u32::MAX, &UNKNOWN_FEATURES); Worker::RECENT];
        }
        if let Some(&(k, features)) = recent.get(slot)
            && k == key
        {
            return RawToken {
                norm: Span::new(start, end),
                features,
                unknown: part == 0,
            };
        }
        let features = self.word_features(part, id);
        if let Some(entry) = recent.get_mut(slot) {
            *entry = (key, features);
        }
        RawToken {
            norm: Span::new(start, end),
            features,
            unknown: part == 0,
        }
    }

    /// Our token for a word of lindera's, with its features from the shared
    /// word tables.
    #[inline]
    fn raw_token(&self, start: usize, end: usize, word_id: WordId) -> RawToken {
        let part = word_part(word_id);
        RawToken {
            norm: Span::new(start, end),
            features: self.word_features(part, word_id.id()),
            unknown: part == 0,
        }
    }

    /// The shared word table's features of word `id` of dictionary `part`
    /// (see [`word_part`]).
    fn word_features(&self, part: u8, id: u32) -> &'static [&'static str; 9] {
        self.loaded.words[usize::from(part)]
            .get(id as usize, || self.features_of((part, id)))
            .unwrap_or(&UNKNOWN_FEATURES)
    }

    /// Appends our tokens for lindera's.
    fn push_raw(
        &self,
        tokens: &[lindera::token::Token<'_>],
        offset: usize,
        out: &mut Vec<RawToken>,
    ) {
        out.extend(
            tokens
                .iter()
                .map(|t| self.raw_token(offset + t.byte_start, offset + t.byte_end, t.word_id)),
        );
    }

    /// The nine features of a word: `(0, id)` unknown-word class, `(1, id)`
    /// system dictionary, `(2, id)` user dictionary.
    fn features_of(&self, (part, id): (u8, u32)) -> [&'static str; 9] {
        let segmenter: &'static Segmenter = &self.loaded.segmenter;
        let dictionary: &'static Dictionary = &segmenter.dictionary;
        let id = id as usize;
        let fields = match part {
            0 => dictionary.unknown_word_details_iter(id),
            1 => dictionary.word_details_iter(id),
            _ => match &segmenter.user_dictionary {
                Some(user) => {
                    let user: &'static UserDictionary = user;
                    user.word_details_iter(id)
                }
                None => dictionary.unknown_word_details_iter(0),
            },
        };
        let mut features = ["*"; 9];
        for (slot, value) in features.iter_mut().zip(fields) {
            *slot = value;
        }
        features
    }

    /// Plain lindera segmentation with the same dictionaries, returning the
    /// token count: the baseline the pipeline bench compares against.
    #[doc(hidden)]
    pub fn raw_segment_count(&self, text: &str) -> usize {
        self.loaded
            .segmenter
            .segment(Cow::Borrowed(text))
            .map_or(0, |tokens| tokens.len())
    }

    /// The name the dictionary's metadata gives itself (`ipadic`, `unidic`, …).
    pub fn dictionary_name(&self) -> &str {
        &self.loaded.segmenter.dictionary.metadata.name
    }
}

static UNKNOWN_FEATURES: [&str; 9] = ["名詞", "一般", "*", "*", "*", "*", "*", "*", "*"];

/// Maps raw tokens of the normalized text to tokens of the original input.
pub(crate) fn to_tokens<'a>(
    input: &'a str,
    raw: &[RawToken],
    to_original: impl Fn(Span) -> Span,
) -> Vec<Token<'a>> {
    let mut chars = CharCounter::new(input);
    raw.iter()
        .map(|r| {
            let span = to_original(r.norm);
            let char_span = Span::new(chars.char_offset(span.start), chars.char_offset(span.end));
            Token {
                text: Cow::Borrowed(&input[span.range()]),
                span,
                char_span,
                features: Features::shared(r.features),
                unknown: r.unknown,
            }
        })
        .collect()
}

fn dictionary_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Dictionary, format!("{what}: {e}"))
}

fn build_segmenter(source: &DictionarySource, user_dictionaries: &[PathBuf]) -> Result<Segmenter> {
    let dictionary = match source {
        DictionarySource::Embedded => load_embedded()?,
        DictionarySource::Path(path) => Dictionary::load_from_path(path)
            .map_err(|e| dictionary_error(&format!("loading dictionary {}", path.display()), e))?,
    };
    let user = build_user_dictionary(&dictionary, source, user_dictionaries)?;
    Ok(Segmenter::new(Mode::Normal, dictionary, user))
}

#[cfg(feature = "embedded-ipadic")]
fn load_embedded() -> Result<Dictionary> {
    embedded::load().map_err(|e| dictionary_error("loading the embedded IPADIC", e))
}

#[cfg(not(feature = "embedded-ipadic"))]
fn load_embedded() -> Result<Dictionary> {
    Err(Error::new(
        ErrorKind::Dictionary,
        "this build has no embedded dictionary (feature `embedded-ipadic` is off); \
         set one with Analyzer::builder().dictionary_path(..)",
    ))
}

/// The user dictionary for a configuration: the embedded finance dictionary
/// (only with the embedded IPADIC, whose context ids it uses) plus the
/// caller's CSV files (lindera's `surface,part_of_speech,reading` or the
/// dictionary's full row format).
fn build_user_dictionary(
    dictionary: &Dictionary,
    source: &DictionarySource,
    files: &[PathBuf],
) -> Result<Option<UserDictionary>> {
    let embedded_rows = embedded_user_rows(source);
    if files.is_empty() {
        return embedded_user_binary(source);
    }
    let mut csv = String::from(embedded_rows);
    for path in files {
        let text = read_user_csv(path)?;
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if !line.trim().is_empty() && !line.starts_with('#') {
                csv.push_str(line);
                csv.push('\n');
            }
        }
    }
    let builder = DictionaryBuilder::new((*dictionary.metadata).clone());
    builder
        .build_user_dict_from_reader(csv.as_bytes())
        .map(Some)
        .map_err(|e| dictionary_error("compiling user dictionaries", e))
}

fn read_user_csv(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        Error::with_source(
            ErrorKind::Io,
            format!("reading user dictionary {}", path.display()),
            e,
        )
    })
}

#[cfg(feature = "embedded-ipadic")]
fn embedded_user_rows(source: &DictionarySource) -> &'static str {
    match source {
        DictionarySource::Embedded => FINANCE_USER_CSV,
        DictionarySource::Path(_) => "",
    }
}

#[cfg(not(feature = "embedded-ipadic"))]
fn embedded_user_rows(_: &DictionarySource) -> &'static str {
    ""
}

#[cfg(feature = "embedded-ipadic")]
fn embedded_user_binary(source: &DictionarySource) -> Result<Option<UserDictionary>> {
    match source {
        DictionarySource::Embedded => UserDictionary::load(embedded::FINANCE_USER_BIN)
            .map(Some)
            .map_err(|e| dictionary_error("loading the embedded finance user dictionary", e)),
        DictionarySource::Path(_) => Ok(None),
    }
}

#[cfg(not(feature = "embedded-ipadic"))]
fn embedded_user_binary(_: &DictionarySource) -> Result<Option<UserDictionary>> {
    Ok(None)
}
