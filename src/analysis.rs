//! The analyzer (built once, shared) and its result.

use std::borrow::Cow;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::error::{Error, ErrorKind, Result};
use crate::extract::gazetteer::Gazetteer;
use crate::extract::{Entity, ExtractorSet, Extractors};
use crate::normalize::Normalized;
use crate::sentence::split_sentences;
use crate::sentiment::{Scored, Scorer, Sentiment, SentimentReport};
use crate::span::{CharCounter, Span};
use crate::tokenize::{DictionarySource, RawToken, Token, Tokenizer, to_tokens};

/// One sentence: where it is and how it reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence<'a> {
    /// Byte span into the original input.
    #[serde(flatten)]
    pub span: Span,
    /// Character span into the original input.
    pub char_span: Span,
    /// The sentence's sentiment.
    pub sentiment: Sentiment<'a>,
}

impl Sentence<'_> {
    /// A copy that owns all its text.
    pub fn into_owned(self) -> Sentence<'static> {
        Sentence {
            span: self.span,
            char_span: self.char_span,
            sentiment: self.sentiment.into_owned(),
        }
    }
}

/// Everything the pipeline found in one document. Text fields borrow the
/// analysed input (`'a`), never the analyzer; [`Analysis::into_owned`] gives
/// a `'static` copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis<'a> {
    /// Tokens, in order.
    pub tokens: Vec<Token<'a>>,
    /// Sentences, in order.
    pub sentences: Vec<Sentence<'a>>,
    /// Entities, ordered by start offset.
    pub entities: Vec<Entity<'a>>,
    /// Document, sentence-independent and per-company sentiment.
    pub sentiment: SentimentReport<'a>,
}

impl Analysis<'_> {
    /// A copy that owns all its text.
    pub fn into_owned(self) -> Analysis<'static> {
        Analysis {
            tokens: self.tokens.into_iter().map(Token::into_owned).collect(),
            sentences: self
                .sentences
                .into_iter()
                .map(Sentence::into_owned)
                .collect(),
            entities: self.entities.into_iter().map(Entity::into_owned).collect(),
            sentiment: self.sentiment.into_owned(),
        }
    }
}

/// The pipeline: tokenizer, extractors and sentiment scorer, loaded once.
///
/// `Analyzer` is `Send + Sync` and cheap to clone (the dictionaries are
/// shared); build one and use it from every thread.
#[derive(Debug, Clone)]
pub struct Analyzer {
    tokenizer: Tokenizer,
    extractors: Extractors,
    scorer: Scorer,
    /// Whether sentiment is scored (off only to measure the other stages).
    sentiment: bool,
}

/// Configures an [`Analyzer`]; see [`Analyzer::builder`].
#[derive(Debug, Clone, Default)]
pub struct AnalyzerBuilder {
    dictionary_path: Option<PathBuf>,
    user_dictionaries: Vec<PathBuf>,
    extractors: Option<ExtractorSet>,
    rules_only: bool,
    skip_sentiment: bool,
}

impl AnalyzerBuilder {
    /// Use a lindera dictionary directory (for example UniDic or
    /// IPADIC-NEologd built with lindera) instead of the embedded IPADIC.
    /// The embedded finance user dictionary uses IPADIC's context ids and is
    /// then left out; add your own with [`AnalyzerBuilder::user_dictionary`].
    pub fn dictionary_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.dictionary_path = Some(path.into());
        self
    }

    /// Add a user dictionary CSV: lindera's simple `surface,part_of_speech,reading`
    /// rows or the system dictionary's full row format. `#` lines are comments.
    pub fn user_dictionary(mut self, path: impl Into<PathBuf>) -> Self {
        self.user_dictionaries.push(path.into());
        self
    }

    /// Choose which entity extractors run (all by default).
    pub fn extractors(mut self, set: ExtractorSet) -> Self {
        self.extractors = Some(set);
        self
    }

    /// Label documents by the sentiment rules alone, without the calibration
    /// layer trained on Economy Watchers comments (see README for both
    /// figures). Sentence, company and target sentiment always use the rules.
    pub fn rules_only_sentiment(mut self) -> Self {
        self.rules_only = true;
        self
    }

    /// Leave sentiment out: every sentence and the document then read as the
    /// neutral default with no evidence. For measuring what the other stages
    /// cost (the pipeline bench); not a way to use the crate.
    #[doc(hidden)]
    pub fn skip_sentiment(mut self) -> Self {
        self.skip_sentiment = true;
        self
    }

    /// Loads (or reuses) the dictionaries and builds the analyzer.
    ///
    /// # Errors
    /// [`ErrorKind::Dictionary`] or [`ErrorKind::Io`] when a dictionary cannot
    /// be read or compiled.
    pub fn build(self) -> Result<Analyzer> {
        let source = match self.dictionary_path {
            Some(path) => DictionarySource::Path(path),
            None => DictionarySource::Embedded,
        };
        let set = self.extractors.unwrap_or_default();
        // The first analyzer of a process parses the gazetteer and builds
        // its name index (a large part of loading) on a second
        // thread while this one loads the dictionary, lexicons and weights.
        // Later analyzers find everything loaded.
        let (tokenizer, extractors, scorer) = std::thread::scope(|scope| {
            let gazetteer = if Gazetteer::embedded_is_loaded() {
                Err(None)
            } else {
                std::thread::Builder::new()
                    .name("ja-finnews-load".into())
                    .spawn_scoped(scope, || Extractors::new(set))
                    .map_err(Some)
            };
            let tokenizer = Tokenizer::load(source, &self.user_dictionaries);
            let scorer = Scorer::embedded(!self.rules_only);
            let extractors = match gazetteer {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // (Loaded already, or no thread to be had: here.)
                Err(_) => Extractors::new(set),
            };
            (tokenizer, extractors, scorer)
        });
        let (tokenizer, extractors, scorer) = (tokenizer?, extractors?, scorer?);
        Ok(Analyzer {
            tokenizer,
            extractors,
            scorer,
            sentiment: !self.skip_sentiment,
        })
    }
}

impl Analyzer {
    /// The analyzer with the embedded dictionaries and every extractor.
    ///
    /// # Errors
    /// Only if the embedded data is corrupt, or the crate was built without
    /// the `embedded-ipadic` feature.
    pub fn new() -> Result<Self> {
        Self::builder().build()
    }

    /// A builder for a configured analyzer.
    pub fn builder() -> AnalyzerBuilder {
        AnalyzerBuilder::default()
    }

    /// The tokenizer stage on its own.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Analyses plain text. Spans in the result index `text`.
    pub fn analyze<'a>(&self, text: &'a str) -> Analysis<'a> {
        self.run(text, text, |span| span)
    }

    /// Analyses an article's body (Markdown stripped). Spans index
    /// [`Article::source`], the whole file.
    pub fn analyze_article<'a>(&self, article: &Article<'a>) -> Analysis<'a> {
        self.run(article.source(), article.text(), |span| {
            article.span_to_source(span)
        })
    }

    /// The sentiment of `text` toward the target at byte span `target`: the
    /// clause around the target decides.
    ///
    /// # Errors
    /// [`ErrorKind::Input`] when `target` is out of bounds or not on
    /// character boundaries.
    pub fn sentiment_toward<'t>(&self, text: &'t str, target: Span) -> Result<Sentiment<'t>> {
        let mut all = self.sentiment_toward_all(text, &[target])?;
        Ok(all.pop().unwrap_or_default())
    }

    /// [`Analyzer::sentiment_toward`] for several targets of one text,
    /// tokenizing it once.
    ///
    /// # Errors
    /// [`ErrorKind::Input`] when any target is out of bounds or not on
    /// character boundaries.
    pub fn sentiment_toward_all<'t>(
        &self,
        text: &'t str,
        targets: &[Span],
    ) -> Result<Vec<Sentiment<'t>>> {
        self.with_targets(text, targets, |normalized, raw, sentences, norm_targets| {
            self.scorer.toward_all(
                text,
                normalized.as_str(),
                raw,
                sentences,
                norm_targets,
                &|s| normalized.span_to_original(s),
            )
        })
    }

    /// Named features of each target for the target calibration layer, for
    /// training it (`examples/train_sentiment.rs --targets`).
    ///
    /// # Errors
    /// As [`Analyzer::sentiment_toward_all`].
    #[doc(hidden)]
    pub fn target_features(&self, text: &str, targets: &[Span]) -> Result<Vec<Vec<(String, f32)>>> {
        self.with_targets(text, targets, |normalized, raw, sentences, norm_targets| {
            self.scorer
                .target_features(normalized.as_str(), raw, sentences, norm_targets)
        })
    }

    /// Calls `f` with the folded text, its tokens, its sentences and the
    /// targets as spans of the folded text, once the targets are checked.
    fn with_targets<R>(
        &self,
        text: &str,
        targets: &[Span],
        f: impl FnOnce(&Normalized<'_>, &[RawToken], &[Span], &[Span]) -> R,
    ) -> Result<R> {
        check_targets(text, targets)?;
        let normalized = Normalized::new(text);
        let sentences = split_sentences(normalized.as_str());
        let norm_targets: Vec<Span> = targets
            .iter()
            .map(|&t| to_normalized_span(&normalized, t))
            .collect();
        Ok(self.tokenizer.with_tokens(normalized.as_str(), |raw| {
            f(&normalized, raw, &sentences, &norm_targets)
        }))
    }

    /// Named document features of the sentiment calibration layer, for
    /// training it (`examples/train_sentiment.rs`).
    #[doc(hidden)]
    pub fn document_features(&self, text: &str) -> Vec<(String, f32)> {
        let normalized = Normalized::new(text);
        let sentences = split_sentences(normalized.as_str());
        self.tokenizer.with_tokens(normalized.as_str(), |raw| {
            self.scorer
                .document_features(normalized.as_str(), raw, &sentences)
        })
    }

    /// The pipeline over `plain` (the text to read), whose spans are mapped to
    /// `source` (the caller's text) by `to_source`.
    fn run<'a>(
        &self,
        source: &'a str,
        plain: &str,
        to_source: impl Fn(Span) -> Span,
    ) -> Analysis<'a> {
        let normalized = Normalized::new(plain);
        let text = normalized.as_str();
        let original = normalized.in_order();
        let map = |s: Span| to_source(original.span_to_original(s));
        self.tokenizer.with_tokens(text, |raw| {
            let sentence_spans = split_sentences(text);
            let entities = self.extractors.extract(text, raw);
            let report = if self.sentiment {
                self.scorer
                    .score(source, text, raw, &sentence_spans, &entities, &map)
            } else {
                Scored {
                    sentences: vec![Sentiment::default(); sentence_spans.len()],
                    report: SentimentReport::default(),
                }
            };

            let mut chars = CharCounter::new(source);
            let sentences = sentence_spans
                .iter()
                .zip(report.sentences)
                .map(|(&s, sentiment)| {
                    let span = map(s);
                    Sentence {
                        span,
                        char_span: Span::new(
                            chars.char_offset(span.start),
                            chars.char_offset(span.end),
                        ),
                        sentiment,
                    }
                })
                .collect();
            let tokens = to_tokens(source, raw, map);
            // Found entities become the caller's in place.
            let mut entities: Vec<Entity<'a>> = entities;
            for e in &mut entities {
                e.map_to_source(source, &map);
            }
            Analysis {
                tokens,
                sentences,
                entities,
                sentiment: report.report,
            }
        })
    }
}

/// An [`ErrorKind::Input`] error for the first target that is out of bounds
/// or not on character boundaries.
fn check_targets(text: &str, targets: &[Span]) -> Result<()> {
    match targets
        .iter()
        .find(|t| t.start > t.end || text.get(t.range()).is_none())
    {
        Some(bad) => Err(Error::new(
            ErrorKind::Input,
            format!(
                "target {}..{} is not a character-aligned span of a {}-byte text",
                bad.start,
                bad.end,
                text.len()
            ),
        )),
        None => Ok(()),
    }
}

/// The folded-text span whose original span is `target` (both ends are char
/// boundaries of the original, and folding maps boundaries to boundaries).
fn to_normalized_span(normalized: &Normalized<'_>, target: Span) -> Span {
    if !normalized.changed() {
        return target;
    }
    let text = normalized.as_str();
    let find = |orig: usize| {
        text.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .find(|&i| normalized.to_original(i) >= orig)
            .unwrap_or(text.len())
    };
    Span::new(find(target.start), find(target.end))
}

/// Text of `source` at `span`, borrowed.
pub(crate) fn slice<'a>(source: &'a str, span: Span) -> Cow<'a, str> {
    Cow::Borrowed(source.get(span.range()).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn assert_send_sync<T: Send + Sync>() {}
    const _: () = assert_send_sync::<Analyzer>();
}
