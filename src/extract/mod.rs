//! Entity extraction over the folded text and its tokens.
//!
//! One number engine ([`number`]) and one gazetteer name index
//! ([`gazetteer`]) feed small extractors, one file per kind; companies run
//! first because tickers, percents and changes link to them.

use std::borrow::Cow;

mod change;
mod company;
pub mod gazetteer;
mod model;
mod money;
pub mod number;
mod percent;
mod period;
mod ticker;
mod words;

use gazetteer::Gazetteer;
use number::{Decimal, ParsedNumber};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::span::Span;
use crate::tokenize::RawToken;

/// Text in an entity value: borrowed from the embedded data when it comes
/// from there (gazetteer names and ids, currency codes, units, exchanges),
/// owned when it is computed or read from the input. Compares with `&str`
/// like a `String`.
pub type ValueText = Cow<'static, str>;

/// The kinds of entity the crate extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A monetary amount.
    Money,
    /// A percentage or percentage-point figure.
    Percent,
    /// A stock ticker or securities code.
    Ticker,
    /// An AI model name.
    Model,
    /// A company or brand.
    Company,
    /// A price move or revision.
    Change,
    /// A fiscal period.
    Period,
}

impl EntityKind {
    /// Every kind, in output order.
    pub const ALL: [EntityKind; 7] = [
        EntityKind::Money,
        EntityKind::Percent,
        EntityKind::Ticker,
        EntityKind::Model,
        EntityKind::Company,
        EntityKind::Change,
        EntityKind::Period,
    ];
}

/// Which extractors an analyzer runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtractorSet {
    bits: u8,
}

impl Default for ExtractorSet {
    fn default() -> Self {
        Self::all()
    }
}

impl ExtractorSet {
    /// Every extractor.
    pub const fn all() -> Self {
        ExtractorSet { bits: 0x7f }
    }

    /// No extractor.
    pub const fn none() -> Self {
        ExtractorSet { bits: 0 }
    }

    /// This set plus `kind`.
    pub const fn with(self, kind: EntityKind) -> Self {
        ExtractorSet {
            bits: self.bits | (1 << kind as u8),
        }
    }

    /// This set without `kind`.
    pub const fn without(self, kind: EntityKind) -> Self {
        ExtractorSet {
            bits: self.bits & !(1 << kind as u8),
        }
    }

    /// Whether `kind` is in the set.
    pub const fn contains(self, kind: EntityKind) -> bool {
        self.bits & (1 << kind as u8) != 0
    }
}

/// An entity: its text as written, where it is, and its normalized value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity<'a> {
    /// The original text: `&input[span.range()]`.
    pub text: Cow<'a, str>,
    /// Byte span into the original input.
    #[serde(flatten)]
    pub span: Span,
    /// The kind and normalized value.
    #[serde(flatten)]
    pub value: EntityValue,
}

impl Entity<'_> {
    /// The entity's kind.
    pub fn kind(&self) -> EntityKind {
        self.value.kind()
    }

    /// An owned copy that does not borrow the input.
    pub fn into_owned(self) -> Entity<'static> {
        Entity {
            text: Cow::Owned(self.text.into_owned()),
            span: self.span,
            value: self.value,
        }
    }
}

/// The normalized value of an entity, tagged by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EntityValue {
    /// A monetary amount.
    Money(MoneyValue),
    /// A percentage or percentage points.
    Percent(PercentValue),
    /// A stock ticker or securities code.
    Ticker(TickerValue),
    /// An AI model name.
    Model(ModelValue),
    /// A company or brand mention.
    Company(CompanyValue),
    /// A price move or revision.
    Change(ChangeValue),
    /// A fiscal period.
    Period(PeriodValue),
}

impl EntityValue {
    /// The kind of this value.
    pub fn kind(&self) -> EntityKind {
        match self {
            EntityValue::Money(_) => EntityKind::Money,
            EntityValue::Percent(_) => EntityKind::Percent,
            EntityValue::Ticker(_) => EntityKind::Ticker,
            EntityValue::Model(_) => EntityKind::Model,
            EntityValue::Company(_) => EntityKind::Company,
            EntityValue::Change(_) => EntityKind::Change,
            EntityValue::Period(_) => EntityKind::Period,
        }
    }
}

/// How a stated amount bounds the true value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// `超`: more than (exclusive minimum).
    Over,
    /// `以上`: at least (inclusive minimum).
    AtLeast,
    /// `未満`: less than (exclusive maximum).
    Under,
    /// `以下`: at most (inclusive maximum).
    AtMost,
}

/// Direction of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Increase, rise, upward revision.
    Up,
    /// Decrease, fall, downward revision.
    Down,
}

/// A monetary amount. Values are exact decimals in units of the currency
/// (`53000000000`; in JSON the string `"53000000000"`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MoneyValue {
    /// The amount, when it is a single figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// Lower end of a range, or the bound of `超`/`以上`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Decimal>,
    /// Upper end of a range, or the bound of `未満`/`以下`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
    /// Whether `min`/`max` are exclusive or inclusive bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
    /// ISO 4217 currency code.
    pub currency: ValueText,
    /// `約`, `およそ`, `程度`, `前後`, `規模`, `近く`, `強`, `弱` …
    pub approximate: bool,
    /// `1株当たり` amounts.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub per_share: bool,
    /// For `X（約Y円）`: the index (in the entity list) of the amount this one converts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equivalent_of: Option<usize>,
    /// The exchange rate implied by an `equivalent_of` pair (this / that),
    /// rounded to four decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implied_rate: Option<Decimal>,
    /// Why there is no value (for example a number too large to hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A percentage or percentage-point figure.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PercentValue {
    /// The figure (`8`, `3.97`, `35` for 3割5分).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// Upper end of a range (`3～5%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
    /// `percent` or `point`.
    pub unit: ValueText,
    /// Direction stated by the predicate (`8%上昇`, `12%増`, `3%安`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Baseline (`前年比`, `前日比` …) when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<ValueText>,
    /// Company id the figure is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<ValueText>,
    /// Why there is no value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A ticker or securities code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TickerValue {
    /// Symbol as listed (`BABA`, `9988`, `285A`).
    pub symbol: String,
    /// Canonical exchange (`NYSE`, `NASDAQ`, `TSE`, `HKEX` …).
    pub exchange: ValueText,
    /// ISO 10383 MIC (`XNYS`, `XTKS`, `XHKG` …).
    pub mic: ValueText,
    /// Company id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<ValueText>,
}

/// An AI model name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelValue {
    /// The name as written, whole (`Qwen3-Max-Preview`).
    pub name: String,
    /// Family (`Qwen`).
    pub family: ValueText,
    /// Version (`3`, `2.5`, `4o`, `R1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Variants (`Max`, `Preview`, `405B`).
    #[serde(default)]
    pub variants: Vec<String>,
    /// Developer company id.
    pub developer: ValueText,
}

/// A price move or revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeValue {
    /// Company id the change is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<ValueText>,
    /// Up or down.
    pub direction: Direction,
    /// Size of the move (a percent or money value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Decimal>,
    /// Unit of `size`, `from` and `to`: `percent`, `point` or a currency code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<ValueText>,
    /// Value before (`3,000円から…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Decimal>,
    /// Value after (`…3,500円に`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Decimal>,
    /// Baseline (`前年比` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<ValueText>,
}

/// A fiscal period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodValue {
    /// Fiscal year, named by the calendar year in which it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscal_year: Option<i32>,
    /// `FY`, `H1`, `H2`, `Q1` … `Q4`.
    pub period: ValueText,
    /// Year-month the period ends (`2025-03`) when known. (Not `end`: that
    /// key holds the entity's byte offset in the flattened JSON.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<String>,
}

/// A company mention, linked to the gazetteer when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyValue {
    /// Gazetteer id (`alibaba`), or `None` for a company found by pattern only.
    pub id: Option<ValueText>,
    /// Canonical name.
    pub name: ValueText,
    /// The alias that matched, as listed in the gazetteer.
    pub matched_alias: ValueText,
    /// Parent company id for brands and subsidiaries (`taobao` → `alibaba`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ValueText>,
}

/// An entity found in the folded text: its span indexes the folded text and
/// its `text` is empty until [`Entity::map_to_source`] maps it back. The
/// extractors build the caller's entities in place, so each (large) value is
/// moved as few times as possible.
pub(crate) type Found = Entity<'static>;

impl Entity<'static> {
    /// An entity of the folded text at `span`.
    pub(crate) fn found(span: Span, value: EntityValue) -> Self {
        Entity {
            text: Cow::Borrowed(""),
            span,
            value,
        }
    }
}

impl<'a> Entity<'a> {
    /// Maps a [`Found`] entity's span to `source` and fills in its text.
    pub(crate) fn map_to_source(&mut self, source: &'a str, map: &dyn Fn(Span) -> Span) {
        self.span = map(self.span);
        self.text = crate::analysis::slice(source, self.span);
    }
}

/// Spans known all at once, answering the overlap queries of
/// [`SpanSet`](crate::span::SpanSet) (the same answers: same-start spans keep the longest end,
/// and a query looks at the last span starting before its end) from a
/// sorted vector instead of a tree.
#[derive(Debug, Default)]
pub(crate) struct SpanIndex {
    by_start: Vec<(usize, usize)>,
}

impl SpanIndex {
    /// Whether `span` shares a byte with the last span starting before its end.
    pub(crate) fn overlaps(&self, span: Span) -> bool {
        if span.is_empty() {
            return false;
        }
        let i = self
            .by_start
            .partition_point(|&(start, _)| start < span.end);
        i.checked_sub(1)
            .is_some_and(|i| self.by_start[i].1 > span.start)
    }
}

impl FromIterator<Span> for SpanIndex {
    fn from_iter<I: IntoIterator<Item = Span>>(iter: I) -> Self {
        let mut by_start: Vec<(usize, usize)> =
            iter.into_iter().map(|s| (s.start, s.end)).collect();
        by_start.sort_unstable();
        // Sorted by end within a start: the last of each start has the longest end.
        by_start.dedup_by(|next, kept| {
            let same = next.0 == kept.0;
            if same {
                kept.1 = next.1;
            }
            same
        });
        SpanIndex { by_start }
    }
}

/// The text within `max` bytes before `pos`, starting on a character
/// boundary: where the words that qualify a figure are looked for.
pub(crate) fn window_before(text: &str, pos: usize, max: usize) -> &str {
    let mut from = pos.saturating_sub(max);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    &text[from..pos]
}

/// The text within `max` bytes after `pos` (a character boundary), ending
/// on a character boundary.
pub(crate) fn window_after(text: &str, pos: usize, max: usize) -> &str {
    let mut to = (pos + max).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    &text[pos..to]
}

/// Sorts entities that do not overlap (so no two share a start) by start:
/// unstable (no scratch buffer) and only when out of order, as they are
/// large to move.
pub(crate) fn sort_by_start(entities: &mut [Found]) {
    if !entities.is_sorted_by_key(|f| f.span.start) {
        entities.sort_unstable_by_key(|f| f.span.start);
    }
}

/// Output order: by start, then kind, then end.
fn output_order(f: &Found) -> (usize, u8, usize) {
    (f.span.start, f.value.kind() as u8, f.span.end)
}

/// The entities of all `lists` in [`output_order`], ties kept in list order.
/// Each list is put in order first (most already are), then the lists are
/// merged, moving each (large) entity once.
fn merge_in_order<const N: usize>(lists: [Vec<Found>; N]) -> Vec<Found> {
    let total = lists.iter().map(Vec::len).sum();
    let mut heads = lists.map(|mut list| {
        sort_in_order(&mut list);
        list.into_iter()
    });
    let mut out = Vec::with_capacity(total);
    loop {
        // The first list whose head comes first (strictly: ties keep list order).
        let mut first: Option<(usize, (usize, u8, usize))> = None;
        for (i, head) in heads.iter().enumerate() {
            if let Some(f) = head.as_slice().first() {
                let key = output_order(f);
                if first.is_none_or(|(_, best)| key < best) {
                    first = Some((i, key));
                }
            }
        }
        let Some((i, _)) = first else { break };
        out.extend(heads[i].next());
    }
    out
}

/// Sorts `list` stably into [`output_order`]. Entities are large, so small
/// keys are sorted and each entity is then swapped into its place once,
/// rather than moved many times by a sort of the entities themselves.
fn sort_in_order(list: &mut [Found]) {
    if list.is_sorted_by_key(output_order) {
        return;
    }
    // order[k]: the entity that goes to position k (ties by position).
    let mut keyed: Vec<((usize, u8, usize), usize)> = list
        .iter()
        .enumerate()
        .map(|(i, f)| (output_order(f), i))
        .collect();
    keyed.sort_unstable();
    let mut order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    // Follow each cycle of the permutation, marking placed slots.
    for start in 0..order.len() {
        let mut k = start;
        while order[k] != k {
            let from = order[k];
            order[k] = k;
            if from == start {
                break;
            }
            list.swap(k, from);
            k = from;
        }
    }
}

/// Notation marks the extractors anchor on, found in the same walk of the
/// text as the gazetteer names (a search per mark, or a regex whose
/// byte-wise prefilter every kana or kanji sets off, cost more than the
/// walk): where tickers start (`.`, brackets, `コード`), unit and rounding
/// notes (`単位`, `未満`), revisions (`修正`) and periods (`期`, `度`).
pub(crate) const MARKS: &[&str] = &[
    ".",
    "<",
    "[",
    "［",
    "(",
    "〈",
    "《",
    "＜",
    "（",
    ticker::CODE_WORD,
    "単位",
    "未満",
    change::REVISION_TAIL,
    "期",
    "度",
    // The deal words ([`DEAL_MARKS`], last) a company the gazetteer lacks
    // is found before.
    "買収",
    "傘下",
    "子会社化",
    "経営統合",
    "合併",
    "公開買い付け",
    "TOB",
];

/// The deal words at the end of [`MARKS`].
pub(crate) const DEAL_MARKS: &[&str] = MARKS.split_at(MARKS.len() - 7).1;

/// What every extractor reads: the folded text, its tokens, its numbers and
/// the gazetteer names and marks found in it.
pub(crate) struct Context<'t> {
    pub text: &'t str,
    pub tokens: &'t [RawToken],
    pub numbers: Vec<ParsedNumber>,
    pub names: gazetteer::NameMatches,
}

/// The configured extractors and their data, shared between clones.
#[derive(Debug, Clone)]
pub(crate) struct Extractors {
    set: ExtractorSet,
    gazetteer: &'static Gazetteer,
}

impl Extractors {
    pub(crate) fn new(set: ExtractorSet) -> Result<Self> {
        Ok(Extractors {
            set,
            gazetteer: Gazetteer::embedded()?,
        })
    }

    /// Every entity of the enabled kinds in `text` (folded), ordered by
    /// start offset (then by kind).
    pub(crate) fn extract(&self, text: &str, tokens: &[RawToken]) -> Vec<Found> {
        if self.set == ExtractorSet::none() || text.is_empty() {
            return Vec::new();
        }
        let g = self.gazetteer;
        let ctx = Context {
            text,
            tokens,
            numbers: number::scan_tokens(text, tokens),
            names: g.find_names(text),
        };
        let mut companies = Vec::with_capacity(ctx.names.companies.len());
        company::extract(&ctx, g, &mut companies);
        let mut models = Vec::with_capacity(ctx.names.models.len());
        model::extract(&ctx, g, &mut models);
        // A bare family name that is also a company name (ディープシーク) is
        // the company; a versioned name (DeepSeek-R1) is the model.
        // So is a bare family name inside a company's name (Mistral AI).
        let company_spans: SpanIndex = companies.iter().map(|c| c.span).collect();
        models.retain(|m| {
            let bare = matches!(&m.value, EntityValue::Model(v) if v.version.is_none() && v.variants.is_empty());
            !(bare && company_spans.overlaps(m.span))
        });
        let model_spans: SpanIndex = models.iter().map(|m| m.span).collect();
        companies.retain(|c| !model_spans.overlaps(c.span));
        sort_by_start(&mut companies);
        let mut tickers = Vec::new();
        ticker::extract(&ctx, g, &companies, &mut tickers);
        // Ticker notation is not a company mention (東証 in 東証プライム：9984).
        let ticker_spans: SpanIndex = tickers.iter().map(|t| t.span).collect();
        companies.retain(|c| !ticker_spans.overlaps(c.span));
        // A listed code names the company written right before it, even one
        // the gazetteer lacks (大和自動車＜7299＞).
        company::from_codes(&ctx, g, &tickers, &mut companies);
        sort_by_start(&mut companies);
        // Most numbers are amounts or percentages.
        // Amounts and percents are kept apart, each in text order as found,
        // so neither needs sorting (entities are large to move).
        let mut amounts = Vec::with_capacity(ctx.numbers.len() / 2);
        money::extract(&ctx, &mut amounts);
        amounts.retain(|f| !ticker_spans.overlaps(f.span));
        let taken: SpanIndex = amounts.iter().chain(&tickers).map(|f| f.span).collect();
        let mut percents = Vec::with_capacity(ctx.numbers.len() / 4);
        let mut index_moves = Vec::new();
        percent::extract(&ctx, &companies, &taken, &mut percents, &mut index_moves);
        let mut changes = Vec::with_capacity(percents.len());
        if self.set.contains(EntityKind::Change) {
            change::extract(
                &ctx,
                &companies,
                &amounts,
                &percents,
                &index_moves,
                &mut changes,
            );
        }
        let mut periods = Vec::new();
        if self.set.contains(EntityKind::Period) {
            period::extract(&ctx, &mut periods);
        }

        let lists = [
            companies, models, tickers, amounts, percents, changes, periods,
        ];
        let mut all = merge_in_order(lists.map(|mut list| {
            list.retain(|f| self.set.contains(f.value.kind()));
            list
        }));
        money::link_equivalents(text, &mut all);
        all
    }
}
