//! Entity extraction over the folded text and its tokens.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::span::Span;
use crate::tokenize::RawToken;

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
    /// A company or brand mention.
    Company(CompanyValue),
}

impl EntityValue {
    /// The kind of this value.
    pub fn kind(&self) -> EntityKind {
        match self {
            EntityValue::Company(_) => EntityKind::Company,
        }
    }
}

/// A company mention, linked to the gazetteer when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyValue {
    /// Gazetteer id (`alibaba`), or `None` for a company found by pattern only.
    pub id: Option<String>,
    /// Canonical name.
    pub name: String,
    /// The alias that matched, as listed in the gazetteer.
    pub matched_alias: String,
    /// Parent company id for brands and subsidiaries (`taobao` → `alibaba`).
    pub parent: Option<String>,
}

/// An entity found in the folded text, before its span is mapped back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    /// Byte span into the folded text.
    pub span: Span,
    pub value: EntityValue,
}

impl Found {
    pub(crate) fn into_entity<'a>(self, source: &'a str, map: &dyn Fn(Span) -> Span) -> Entity<'a> {
        let span = map(self.span);
        Entity {
            text: crate::analysis::slice(source, span),
            span,
            value: self.value,
        }
    }
}

/// The configured extractors and their data, shared between clones.
#[derive(Debug, Clone)]
pub(crate) struct Extractors {
    set: ExtractorSet,
}

impl Extractors {
    pub(crate) fn new(set: ExtractorSet) -> Result<Self> {
        Ok(Extractors { set })
    }

    /// Every entity of the enabled kinds in `text` (folded), by start offset.
    pub(crate) fn extract(&self, text: &str, tokens: &[RawToken]) -> Vec<Found> {
        let _ = (text, tokens, self.set);
        Vec::new()
    }
}
