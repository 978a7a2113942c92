//! Finance-aware sentiment: cues → clauses → sentences → companies, targets
//! and the document, each with its evidence.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::extract::Found;
use crate::span::Span;
use crate::tokenize::RawToken;

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

/// One cue that moved a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The cue's text in the original input.
    pub text: String,
    /// Byte span into the original input.
    #[serde(flatten)]
    pub span: Span,
    /// Signed contribution.
    pub weight: f32,
    /// Whether a negation flipped it.
    pub negated: bool,
    /// The rule that produced it.
    pub rule: String,
}

/// A score in [-1, 1], its label and the evidence for it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sentiment {
    /// Score in [-1, 1].
    pub score: f32,
    /// Label.
    pub label: Label,
    /// The cues behind the score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// Sentiment toward one company over a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanySentiment {
    /// Company id.
    pub company: String,
    /// Score in [-1, 1].
    pub score: f32,
    /// Label.
    pub label: Label,
}

/// Document-level results.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SentimentReport {
    /// The whole document.
    pub document: Sentiment,
    /// Each company mentioned.
    pub companies: Vec<CompanySentiment>,
}

/// Sentence sentiments plus the document report.
pub(crate) struct Scored {
    pub sentences: Vec<Sentiment>,
    pub report: SentimentReport,
}

/// The sentiment scorer and its lexicons.
#[derive(Debug, Clone)]
pub(crate) struct Scorer {}

impl Scorer {
    pub(crate) fn embedded() -> Result<Self> {
        Ok(Scorer {})
    }

    pub(crate) fn score(
        &self,
        _text: &str,
        _tokens: &[RawToken],
        sentences: &[Span],
        _entities: &[Found],
        _map: &dyn Fn(Span) -> Span,
    ) -> Scored {
        Scored {
            sentences: vec![Sentiment::default(); sentences.len()],
            report: SentimentReport::default(),
        }
    }

    pub(crate) fn toward(
        &self,
        _text: &str,
        _tokens: &[RawToken],
        _target: Span,
        _map: &dyn Fn(Span) -> Span,
    ) -> Sentiment {
        Sentiment::default()
    }
}
