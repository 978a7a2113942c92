//! The gazetteer: companies, AI model families and exchanges from
//! `dictionaries/gazetteer/`, parsed once and matched with one automaton.

use std::borrow::Cow;
use std::collections::HashMap;

use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};

use super::MARKS;
use super::company::LEGAL_MARKS;
use crate::data::{bad_row as bad, rows as data_rows};
use crate::error::{Error, ErrorKind, Result};
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

/// Many names matched in one pass: a character-wise double-array
/// Aho-Corasick automaton (daachorse, the automaton lindera itself uses).
/// Japanese names share their first bytes (every katakana starts with
/// 0xE3), which defeats byte-wise prefilters; walking characters keeps the
/// automaton small and the scan fast. Company aliases, model prefixes and
/// exchange prefixes share one automaton, so the text is walked once.
pub(crate) struct NameAutomaton {
    automaton: Option<CharwiseDoubleArrayAhoCorasick<u32>>,
}

impl std::fmt::Debug for NameAutomaton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameAutomaton")
            .field(
                "bytes",
                &self.automaton.as_ref().map_or(0, |a| a.heap_bytes()),
            )
            .finish()
    }
}

impl NameAutomaton {
    /// An automaton over distinct, non-empty patterns; a match reports the
    /// pattern's index.
    fn new(patterns: &[String]) -> Result<Self> {
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                CharwiseDoubleArrayAhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build_with_values(patterns.iter().zip(0u32..))
                    .map_err(|e| {
                        Error::new(
                            ErrorKind::Dictionary,
                            format!("building the name automaton: {e}"),
                        )
                    })?,
            )
        };
        Ok(NameAutomaton { automaton })
    }

    /// Every occurrence of every pattern as `(start, end, pattern)`,
    /// overlapping ones included, ordered by end.
    fn find_overlapping<'a>(
        &'a self,
        text: &'a str,
    ) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
        self.automaton.iter().flat_map(move |a| {
            a.find_overlapping_iter(text)
                .map(|m| (m.start(), m.end(), m.value() as usize))
        })
    }
}

/// What a name of the automaton is: an index into each list it belongs to
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
    /// One automaton over company aliases, model prefixes and exchange
    /// prefixes, and what each of its names is.
    names: NameAutomaton,
    owners: Vec<NameOwners>,
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
        let mut names: Vec<String> = Vec::new();
        let mut owners: Vec<NameOwners> = Vec::new();
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
                    names.push(name.clone());
                    owners.push([NONE; 5]);
                    owners.len() - 1
                });
                let slot = &mut owners[k][list];
                if *slot == NONE {
                    *slot = index;
                }
            }
        }
        let names = NameAutomaton::new(&names)?;
        Ok(Gazetteer {
            companies,
            company_aliases,
            families,
            model_prefixes,
            exchanges,
            exchange_prefixes,
            names,
            owners,
            exchange_suffixes,
            by_ticker,
            by_id,
        })
    }

    /// Company aliases, model prefixes, exchange prefixes, legal marks and
    /// notation marks in `text` (folded), from one pass of the name automaton.
    pub(crate) fn find_names(&self, text: &str) -> NameMatches {
        let mut found = NameMatches::default();
        for (start, end, name) in self.names.find_overlapping(text) {
            let lists = [
                &mut found.companies,
                &mut found.models,
                &mut found.exchanges,
                &mut found.legal_marks,
                &mut found.marks,
            ];
            for (&index, list) in self.owners[name].iter().zip(lists) {
                if index != NONE {
                    list.push((start, end, index as usize));
                }
            }
        }
        leftmost_longest(&mut found.companies);
        leftmost_longest(&mut found.models);
        leftmost_longest(&mut found.exchanges);
        leftmost_longest(&mut found.legal_marks);
        // Marks do not overlap: reported by end, they are in text order.
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
}
