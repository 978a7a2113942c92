//! The gazetteer: companies, AI model families and exchanges from
//! `dictionaries/gazetteer/`, parsed once and matched with one name index.

use std::borrow::Cow;
use std::collections::HashMap;

use super::MARKS;
use super::company::LEGAL_MARKS;
use crate::data::{bad_row as bad, rows as data_rows};
use crate::error::{Error, ErrorKind, Result};
use crate::hash::HashMap64;
use crate::normalize::fold_char;

const COMPANIES: &str = include_str!("../../dictionaries/gazetteer/companies.tsv");
const MODELS: &str = include_str!("../../dictionaries/gazetteer/models.tsv");
const EXCHANGES: &str = include_str!("../../dictionaries/gazetteer/exchanges.tsv");

/// One company of the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    /// Stable id (`alibaba`).
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// Parent id, for brands and subsidiaries.
    pub parent: Option<String>,
    /// `(exchange, symbol)` listings.
    pub tickers: Vec<(String, String)>,
}

/// One AI model family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFamily {
    /// Canonical family name (`Qwen`).
    pub family: String,
    /// Developer company id.
    pub developer: String,
}

/// One exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// Unique key in the gazetteer files (`TSE`, `NSE_INDIA`).
    pub key: String,
    /// Canonical code in entity output (`TSE`; `NSE` for both Nagoya and
    /// India's National Stock Exchange, told apart by `mic`).
    pub code: String,
    /// ISO 10383 MIC (`XTKS`).
    pub mic: String,
}

/// Many names matched in one pass over the text, in the manner of
/// Wu–Manber's multi-pattern search: names are grouped by their first two
/// characters (a one-character name by that one); at each character the
/// bytes of it and the next, as one word, are tested against a bit table
/// of the groups' words, and only where a group may start is it looked up
/// and its names compared. The bench corpus has about 1,200 such places in
/// 14,700 characters. Against the character-wise double-array Aho-Corasick
/// automaton this replaced (daachorse): the same matches, found in 165 µs
/// instead of 189 right after tokenizing that corpus, built in 4 ms
/// instead of 7–10, in 350 KB with what each name is instead of 870 KB
/// and 125 KB.
pub(crate) struct NameIndex<T> {
    /// What follows the first eight bytes after the key, of longer names.
    overflow: Vec<u8>,
    /// The names, grouped by their key.
    names: Vec<IndexedName>,
    /// What each name of `names` is, apart: only a match reads it, and
    /// the names compared stay in fewer cache lines without it.
    values: Vec<T>,
    /// Key of a one-character name's character → its group in `names`.
    singles: HashMap64<(u32, u32)>,
    /// Key of the first two characters of a longer name → its group.
    pairs: HashMap64<(u32, u32)>,
    /// One bit per hash of every key of `singles` (the first
    /// [`SINGLE_FILTER_BITS`] bits) and of `pairs` (the rest).
    filter: Box<[u64]>,
}

/// A name of a [`NameIndex`] after its group's key: the next eight bytes
/// (fewer, zero-padded, for a shorter name) as one word, so that most
/// names are told apart where the group is; the rest in `overflow`.
#[derive(Debug, Clone, Copy)]
struct IndexedName {
    tail: u64,
    /// Length after the key.
    len: u32,
    /// Where the bytes past `tail` start in `overflow`.
    overflow: u32,
}

/// Bits of the filter for one-character names (twelve of them).
const SINGLE_FILTER_BITS: u32 = 10;
/// Bits of the filter for pairs of characters (about 2,000 of them).
const PAIR_FILTER_BITS: u32 = 16;

impl<T: Copy> std::fmt::Debug for NameIndex<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameIndex")
            .field("names", &self.names.len())
            .field("heap_bytes", &self.heap_bytes())
            .finish()
    }
}

/// The length in bytes of the UTF-8 character whose first byte is `lead`.
#[inline]
fn char_len(lead: u8) -> usize {
    // Leading ones: 0 for ASCII, else the length.
    let ones = (!lead).leading_zeros() as usize;
    ones + usize::from(ones == 0)
}

/// Up to eight bytes from `at` as one little-endian word, zero-padded past
/// the end.
#[inline]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(b) => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        None => {
            let mut b = [0u8; 8];
            let rest = &bytes[at.min(bytes.len())..];
            b[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(b)
        }
    }
}

/// The first `len` (0 to 8) bytes of `word`.
#[inline]
fn low_bytes(word: u64, len: usize) -> u64 {
    // A table rather than a shift: a shift by 64 would need a branch, and
    // this runs at every character of the text.
    const MASKS: [u64; 16] = {
        let mut masks = [u64::MAX; 16];
        let mut len = 0;
        while len < 8 {
            masks[len] = (1 << (8 * len)) - 1;
            len += 1;
        }
        masks
    };
    word & MASKS[len % 16]
}

/// The filter bit of `key`: a multiplicative hash into `bits` bits, placed
/// after `offset` bits.
#[inline]
fn filter_bit(key: u64, bits: u32, offset: u32) -> usize {
    (offset + (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as u32) as usize
}

impl<T: Copy> NameIndex<T> {
    /// An index of distinct, non-empty names, each with the value a match
    /// reports.
    fn new(names: &[(String, T)]) -> Result<Self> {
        let too_many = || Error::new(ErrorKind::Dictionary, "too many gazetteer names");
        // ((pair?, key), key length, name), so sorting groups the names of
        // each key.
        let mut keyed = Vec::with_capacity(names.len());
        for (i, (name, _)) in names.iter().enumerate() {
            let bytes = name.as_bytes();
            let Some(&lead) = bytes.first() else {
                continue;
            };
            let first = char_len(lead);
            let (pair, key_len) = match bytes.get(first) {
                None => (false, first),
                Some(&second) => (true, first + char_len(second)),
            };
            let key = low_bytes(word_at(bytes, 0), key_len);
            keyed.push(((pair, key), key_len, i));
        }
        keyed.sort_unstable();
        let mut index = NameIndex {
            overflow: Vec::new(),
            names: Vec::with_capacity(keyed.len()),
            values: Vec::with_capacity(keyed.len()),
            singles: HashMap::default(),
            pairs: HashMap::default(),
            filter: vec![0u64; ((1 << SINGLE_FILTER_BITS) + (1 << PAIR_FILTER_BITS)) / 64]
                .into_boxed_slice(),
        };
        for group in keyed.chunk_by(|a, b| a.0 == b.0) {
            let (pair, key) = group[0].0;
            let first = u32::try_from(index.names.len()).map_err(|_| too_many())?;
            for &(_, key_len, name) in group {
                let (text, value) = &names[name];
                let after = &text.as_bytes()[key_len..];
                index.names.push(IndexedName {
                    tail: word_at(after, 0),
                    len: u32::try_from(after.len()).map_err(|_| too_many())?,
                    overflow: u32::try_from(index.overflow.len()).map_err(|_| too_many())?,
                });
                index.values.push(*value);
                index.overflow.extend(after.get(8..).unwrap_or_default());
            }
            let range = (first, first + group.len() as u32);
            let bit = if pair {
                index.pairs.insert(key, range);
                filter_bit(key, PAIR_FILTER_BITS, 1 << SINGLE_FILTER_BITS)
            } else {
                index.singles.insert(key, range);
                filter_bit(key, SINGLE_FILTER_BITS, 0)
            };
            index.filter[bit / 64] |= 1 << (bit % 64);
        }
        Ok(index)
    }

    /// Memory held, roughly (hash tables counted at their capacity).
    fn heap_bytes(&self) -> usize {
        let table = |m: &HashMap64<(u32, u32)>| m.capacity() * (8 + 8 + 1);
        self.overflow.len()
            + self.names.len() * std::mem::size_of::<IndexedName>()
            + self.values.len() * std::mem::size_of::<T>()
            + table(&self.singles)
            + table(&self.pairs)
            + self.filter.len() * 8
    }

    #[inline]
    fn may_hold(&self, bit: usize) -> bool {
        self.filter[bit / 64] >> (bit % 64) & 1 != 0
    }

    /// Every occurrence of every name as `(start, end, name)`, overlapping
    /// ones included, ordered by start.
    fn for_each_match(&self, text: &str, mut found: impl FnMut(usize, usize, T)) {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            at = self.visit(bytes, at, &mut found);
        }
    }

    /// Reports the names starting at `at` (a character boundary before the
    /// end) and returns where the next character starts.
    #[inline]
    fn visit(&self, bytes: &[u8], at: usize, found: &mut impl FnMut(usize, usize, T)) -> usize {
        // Eight bytes hold any two characters: read them as one word.
        let word = word_at(bytes, at);
        let first = char_len(word as u8);
        let single = low_bytes(word, first);
        if self.may_hold(filter_bit(single, SINGLE_FILTER_BITS, 0)) {
            self.report(bytes, at, first, self.singles.get(&single), found);
        }
        // A zero byte after the first character is the end of the text or
        // a NUL, which starts no name.
        let second = (word >> (8 * first)) as u8;
        if second != 0 {
            let len = first + char_len(second);
            let pair = low_bytes(word, len);
            if self.may_hold(filter_bit(pair, PAIR_FILTER_BITS, 1 << SINGLE_FILTER_BITS)) {
                self.report(bytes, at, len, self.pairs.get(&pair), found);
            }
        }
        at + first
    }

    /// Reports the names of `group` (their first `key_len` bytes are those
    /// at `at`) that the text at `at` holds.
    fn report(
        &self,
        bytes: &[u8],
        at: usize,
        key_len: usize,
        group: Option<&(u32, u32)>,
        found: &mut impl FnMut(usize, usize, T),
    ) {
        let Some(&(first, last)) = group else {
            return;
        };
        let after = at + key_len;
        let tail = word_at(bytes, after);
        let (first, last) = (first as usize, last as usize);
        for (n, value) in self.names[first..last]
            .iter()
            .zip(&self.values[first..last])
        {
            let len = n.len as usize;
            let matches = low_bytes(tail, len.min(8)) == n.tail
                && (len <= 8
                    || bytes.get(after + 8..).is_some_and(|rest| {
                        let start = n.overflow as usize;
                        rest.starts_with(&self.overflow[start..start + len - 8])
                    }));
            if matches {
                found(at, after + len, *value);
            }
        }
    }
}

/// What a name of the index is: an index into each list it belongs to
/// (`NONE` when it is not in that list), in the order of the lists of
/// [`NameMatches`]: company aliases, model prefixes, exchange prefixes,
/// legal marks, notation marks.
type NameOwners = [u32; 5];

const NONE: u32 = u32::MAX;

/// Gazetteer names found in a text, per kind, each list non-overlapping
/// and leftmost-longest (`(start, end, index)`: an index into
/// `company_aliases`, `model_prefixes` or `exchange_prefixes`).
#[derive(Debug, Default)]
pub(crate) struct NameMatches {
    pub companies: Vec<(usize, usize, usize)>,
    pub models: Vec<(usize, usize, usize)>,
    pub exchanges: Vec<(usize, usize, usize)>,
    /// Legal forms and English legal suffixes (an index into
    /// [`LEGAL_MARKS`](super::company::LEGAL_MARKS)): walking the text once
    /// for them with the names is cheaper than a regex whose byte-wise
    /// prefilter every katakana run sets off.
    pub legal_marks: Vec<(usize, usize, usize)>,
    /// Notation marks the extractors anchor on (an index into
    /// [`MARKS`](super::MARKS)), in text order.
    pub marks: Vec<(usize, usize, usize)>,
}

/// Keeps the leftmost-longest non-overlapping matches: the match starting
/// first (the longest of those), then the next starting at or after its
/// end, as a leftmost-longest automaton reports them.
fn leftmost_longest(hits: &mut Vec<(usize, usize, usize)>) {
    hits.sort_unstable_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    let mut end = 0;
    hits.retain(|&(s, e, _)| {
        let keep = s >= end;
        if keep {
            end = e;
        }
        keep
    });
}

/// All gazetteer data with its automata.
#[derive(Debug)]
pub struct Gazetteer {
    pub(crate) companies: Vec<Company>,
    /// Company aliases: pattern i → (company index, alias as listed,
    /// whether it is a word that names the company only in context; see
    /// [`crate::extract`]'s company rules).
    pub(crate) company_aliases: Vec<(usize, String, bool)>,
    pub(crate) families: Vec<ModelFamily>,
    /// Model prefixes: pattern i → family index.
    pub(crate) model_prefixes: Vec<usize>,
    pub(crate) exchanges: Vec<Exchange>,
    /// Folded exchange prefix → exchange index.
    pub(crate) exchange_prefixes: Vec<(String, usize)>,
    /// One index over company aliases, model prefixes, exchange prefixes
    /// and marks, and what each of its names is.
    names: NameIndex<NameOwners>,
    /// Vendor suffix (`T`, `HK`) → exchange index.
    pub(crate) exchange_suffixes: HashMap<String, usize>,
    /// Exchange code → symbol key ([`symbol_key`]) → company index, so a
    /// lookup borrows both.
    pub(crate) by_ticker: HashMap<String, HashMap<String, usize>>,
    pub(crate) by_id: HashMap<String, usize>,
}

fn fold(s: &str) -> String {
    s.chars().map(|c| fold_char(c).unwrap_or(c)).collect()
}

/// Symbol key for ticker lookups: upper case, leading zeros dropped.
pub(crate) fn symbol_key(symbol: &str) -> Cow<'_, str> {
    let s = symbol.trim_start_matches('0');
    if s.is_empty() {
        Cow::Borrowed("0")
    } else if s.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(s.to_ascii_uppercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// The embedded gazetteer, parsed once per process.
static EMBEDDED: once_cell::sync::OnceCell<Gazetteer> = once_cell::sync::OnceCell::new();

impl Gazetteer {
    /// The embedded gazetteer, parsed once per process.
    /// It lives for the whole process, so entity values borrow its names
    /// instead of copying them.
    pub fn embedded() -> Result<&'static Gazetteer> {
        EMBEDDED.get_or_try_init(|| Gazetteer::parse(COMPANIES, MODELS, EXCHANGES))
    }

    /// Whether [`Gazetteer::embedded`] has been loaded in this process.
    pub(crate) fn embedded_is_loaded() -> bool {
        EMBEDDED.get().is_some()
    }

    /// Parses gazetteer files in the `dictionaries/gazetteer/` formats.
    ///
    /// # Errors
    /// [`ErrorKind::Dictionary`] with the file and line of a malformed row.
    pub fn parse(companies_tsv: &str, models_tsv: &str, exchanges_tsv: &str) -> Result<Self> {
        let mut exchanges = Vec::new();
        let mut exchange_prefixes = Vec::new();
        let mut exchange_suffixes = HashMap::new();
        for (line, cols) in data_rows(exchanges_tsv) {
            let [key, mic, prefixes, suffixes, rest @ ..] = cols.as_slice() else {
                return Err(bad("exchanges.tsv", line, "expected 4 or 5 columns"));
            };
            let code = rest.first().filter(|c| !c.is_empty()).unwrap_or(key);
            let index = exchanges.len();
            exchanges.push(Exchange {
                key: key.to_string(),
                code: code.to_string(),
                mic: mic.to_string(),
            });
            for p in prefixes.split('|').filter(|p| !p.is_empty()) {
                exchange_prefixes.push((fold(p), index));
            }
            for s in suffixes
                .split('|')
                .filter(|s| !s.is_empty() && !s.contains('?'))
            {
                exchange_suffixes.insert(s.to_string(), index);
            }
        }
        // Longest prefix first, so 東証プライム wins over 東証.
        exchange_prefixes.sort_by_key(|p| std::cmp::Reverse(p.0.len()));

        let mut companies = Vec::new();
        let mut company_aliases = Vec::new();
        let mut by_ticker = HashMap::new();
        let mut by_id = HashMap::new();
        for (line, cols) in data_rows(companies_tsv) {
            let [id, name, _country, parent, tickers, aliases] = cols.as_slice() else {
                return Err(bad("companies.tsv", line, "expected 6 columns"));
            };
            let index = companies.len();
            let mut listing = Vec::new();
            for t in tickers.split('|').filter(|t| !t.is_empty()) {
                let (exchange, symbol) = t
                    .split_once(':')
                    .ok_or_else(|| bad("companies.tsv", line, "ticker is not EXCHANGE:SYMBOL"))?;
                by_ticker
                    .entry(exchange.to_string())
                    .or_insert_with(HashMap::new)
                    .insert(symbol_key(symbol).into_owned(), index);
                listing.push((exchange.to_string(), symbol.to_string()));
            }
            for alias in aliases.split('|') {
                // `~カカオ`: an ordinary word that names the company only in
                // context (韓国のカカオ, カカオ（035720）).
                let (alias, in_context) = match alias.strip_prefix('~') {
                    Some(word) => (word, true),
                    None => (alias, false),
                };
                if alias.chars().count() >= 2 {
                    company_aliases.push((index, alias.to_string(), in_context));
                }
            }
            by_id.insert(id.to_string(), index);
            companies.push(Company {
                id: id.to_string(),
                name: name.to_string(),
                parent: (!parent.is_empty()).then(|| parent.to_string()),
                tickers: listing,
            });
        }
        company_aliases.sort_by(|a, b| a.1.cmp(&b.1));
        company_aliases.dedup_by(|a, b| a.1 == b.1);

        let mut families = Vec::new();
        let mut prefixes = Vec::new();
        let mut model_prefixes = Vec::new();
        for (line, cols) in data_rows(models_tsv) {
            let [family, developer, pfx, ..] = cols.as_slice() else {
                return Err(bad("models.tsv", line, "expected 4 columns"));
            };
            let index = families.len();
            families.push(ModelFamily {
                family: family.to_string(),
                developer: developer.to_string(),
            });
            for p in pfx.split('|').filter(|p| !p.is_empty()) {
                prefixes.push(fold(p));
                model_prefixes.push(index);
            }
        }

        // Each distinct folded name once; a name listed twice in one list
        // keeps its first index there.
        let mut names: Vec<(String, NameOwners)> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let lists = [
            company_aliases
                .iter()
                .map(|(_, a, _)| fold(a))
                .collect::<Vec<_>>(),
            prefixes,
            exchange_prefixes.iter().map(|(p, _)| p.clone()).collect(),
            LEGAL_MARKS.iter().map(|(m, _)| fold(m)).collect(),
            MARKS.iter().map(|m| fold(m)).collect(),
        ];
        for (list, patterns) in lists.into_iter().enumerate() {
            for (index, name) in patterns.into_iter().enumerate() {
                if name.is_empty() {
                    continue;
                }
                let index = u32::try_from(index)
                    .ok()
                    .filter(|&i| i != NONE)
                    .ok_or_else(|| Error::new(ErrorKind::Dictionary, "too many gazetteer names"))?;
                let k = *by_name.entry(name).or_insert_with_key(|name| {
                    names.push((name.clone(), [NONE; 5]));
                    names.len() - 1
                });
                let slot = &mut names[k].1[list];
                if *slot == NONE {
                    *slot = index;
                }
            }
        }
        let names = NameIndex::new(&names)?;
        Ok(Gazetteer {
            companies,
            company_aliases,
            families,
            model_prefixes,
            exchanges,
            exchange_prefixes,
            names,
            exchange_suffixes,
            by_ticker,
            by_id,
        })
    }

    /// Company aliases, model prefixes, exchange prefixes, legal marks and
    /// notation marks in `text` (folded), from one pass of the name index.
    pub(crate) fn find_names(&self, text: &str) -> NameMatches {
        let mut found = NameMatches::default();
        self.names.for_each_match(text, |start, end, owners| {
            let lists = [
                &mut found.companies,
                &mut found.models,
                &mut found.exchanges,
                &mut found.legal_marks,
                &mut found.marks,
            ];
            for (&index, list) in owners.iter().zip(lists) {
                if index != NONE {
                    list.push((start, end, index as usize));
                }
            }
        });
        leftmost_longest(&mut found.companies);
        leftmost_longest(&mut found.models);
        leftmost_longest(&mut found.exchanges);
        leftmost_longest(&mut found.legal_marks);
        // Marks do not overlap: found by start, they are in text order.
        found
    }

    /// The company listed on `exchange` (a canonical code) as `symbol`
    /// (leading zeros and case do not matter).
    pub(crate) fn company_by_ticker(&self, exchange: &str, symbol: &str) -> Option<usize> {
        self.by_ticker
            .get(exchange)?
            .get(symbol_key(symbol).as_ref())
            .copied()
    }

    /// The company with this id.
    pub fn company(&self, id: &str) -> Option<&Company> {
        self.by_id.get(id).map(|&i| &self.companies[i])
    }

    /// Number of companies.
    pub fn company_count(&self) -> usize {
        self.companies.len()
    }
}

impl NameMatches {
    /// `(start, end)` of each occurrence of `mark` (one of
    /// [`MARKS`](super::MARKS)), in text order.
    pub(crate) fn marks_of(&self, mark: &'static str) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.marks
            .iter()
            .filter(move |&&(_, _, m)| MARKS[m] == mark)
            .map(|&(start, end, _)| (start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_parse_and_link() {
        let g = Gazetteer::embedded().unwrap();
        assert!(g.company_count() >= 400);
        for c in &g.companies {
            if let Some(p) = &c.parent {
                assert!(g.company(p).is_some(), "{} has unknown parent {p}", c.id);
            }
            for (exchange, _) in &c.tickers {
                assert!(
                    g.exchanges.iter().any(|e| &e.key == exchange),
                    "{}: {exchange}",
                    c.id
                );
            }
        }
        for f in &g.families {
            assert!(
                g.company(&f.developer).is_some(),
                "{} developer {}",
                f.family,
                f.developer
            );
        }
        assert_eq!(
            g.company_by_ticker("NYSE", "BABA"),
            Some(g.by_id["alibaba"])
        );
    }

    #[test]
    fn name_index_finds_every_occurrence_to_the_last_byte() {
        let names: Vec<String> = [
            "アリババ",
            "アリ",
            "ババ",
            "期",
            "AB",
            "ABC",
            "C",
            "株式会社",
            "㈱",
        ]
        .map(String::from)
        .to_vec();
        let values: Vec<(String, usize)> = names.iter().cloned().zip(0..).collect();
        let index = NameIndex::new(&values).unwrap();
        let found = |text: &str| {
            let mut hits = Vec::new();
            index.for_each_match(text, |start, end, name| {
                assert_eq!(&text[start..end], names[name]);
                hits.push((start, end, names[name].as_str()));
            });
            // By start; names starting together come in no set order.
            assert!(hits.is_sorted_by_key(|h| h.0));
            hits.sort_unstable();
            hits
        };
        // Overlapping names, one-character names, and names that end the
        // text (read past the end as zero bytes).
        assert_eq!(
            found("アリババ期ABC"),
            [
                (0, 6, "アリ"),
                (0, 12, "アリババ"),
                (6, 12, "ババ"),
                (12, 15, "期"),
                (15, 17, "AB"),
                (15, 18, "ABC"),
                (17, 18, "C"),
            ]
        );
        assert_eq!(found("アリ"), [(0, 6, "アリ")]);
        assert_eq!(found("ア"), []);
        assert_eq!(found(""), []);
        // A name cut off by the end of the text is not there.
        assert_eq!(found("x株式会"), []);
        assert_eq!(found("㈱\0AB"), [(0, 3, "㈱"), (4, 6, "AB")]);
    }
}
