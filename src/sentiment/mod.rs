//! Finance-aware sentiment: cues → clauses → sentences → companies, targets
//! and the document, each with its evidence.
//!
//! Polarity in financial text is compositional: `費用が増加` is negative,
//! `赤字が縮小` positive, `下落に歯止め` positive. The scorer knows what is
//! desirable (items), what moves (predicates), plain polar words and the
//! shifters (negation, contrast, hedges, degree, questions); see
//! `dictionaries/sentiment/`. Scores are in [-1, 1]; |score| <
//! [`NEUTRAL_BAND`] is neutral.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use crate::span::Span;

pub mod calibration;
pub mod lexicon;
mod scorer;

pub(crate) use scorer::Scorer;
pub use scorer::{NEUTRAL_BAND, TARGET_BAND};

/// Polarity label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Good news for the subject.
    Positive,
    /// Bad news for the subject.
    Negative,
    /// Neither, or balanced.
    #[default]
    Neutral,
}

/// One cue that moved a score. Its text borrows the analysed input (`'a`);
/// [`Evidence::into_owned`] gives a `'static` copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence<'a> {
    /// The cue's text in the original input: `&input[span.range()]`.
    pub text: Cow<'a, str>,
    /// Byte span into the original input.
    #[serde(flatten)]
    pub span: Span,
    /// Signed contribution.
    pub weight: f64,
    /// Whether a negation flipped it.
    pub negated: bool,
    /// The rule that produced it (a fixed name, borrowed, not copied).
    pub rule: Cow<'static, str>,
}

impl Evidence<'_> {
    /// A copy that owns its text.
    pub fn into_owned(self) -> Evidence<'static> {
        Evidence {
            text: Cow::Owned(self.text.into_owned()),
            span: self.span,
            weight: self.weight,
            negated: self.negated,
            rule: self.rule,
        }
    }
}

/// A score in [-1, 1], its label and the evidence for it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sentiment<'a> {
    /// Score in [-1, 1].
    pub score: f64,
    /// Label.
    pub label: Label,
    /// The cues behind the score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence<'a>>,
}

impl Sentiment<'_> {
    /// A copy whose evidence owns its text.
    pub fn into_owned(self) -> Sentiment<'static> {
        Sentiment {
            score: self.score,
            label: self.label,
            evidence: self
                .evidence
                .into_iter()
                .map(Evidence::into_owned)
                .collect(),
        }
    }
}

/// Sentiment toward one company over a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanySentiment {
    /// Company id.
    pub company: String,
    /// Score in [-1, 1].
    pub score: f64,
    /// Label.
    pub label: Label,
}

/// Document-level results.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SentimentReport<'a> {
    /// The whole document.
    pub document: Sentiment<'a>,
    /// Each company mentioned.
    pub companies: Vec<CompanySentiment>,
}

impl SentimentReport<'_> {
    /// A copy whose evidence owns its text.
    pub fn into_owned(self) -> SentimentReport<'static> {
        SentimentReport {
            document: self.document.into_owned(),
            companies: self.companies,
        }
    }
}

/// Sentence sentiments plus the document report.
pub(crate) struct Scored<'a> {
    pub sentences: Vec<Sentiment<'a>>,
    pub report: SentimentReport<'a>,
}
