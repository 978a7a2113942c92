//! # ja-finnews
//!
//! Japanese financial news into structured facts: tokens, sentences,
//! entities with exact normalized values, and finance-aware sentiment.
//!
//! ```
//! use ja_finnews::Analyzer;
//!
//! let analyzer = Analyzer::new()?;
//! let text = "アリババの株価が８％上昇した。";
//! let analysis = analyzer.analyze(text);
//! let first = &analysis.tokens[0];
//! assert_eq!(first.text, "アリババ");
//! assert_eq!(&text[first.span.range()], "アリババ");
//! assert_eq!(analysis.sentences.len(), 1);
//! # Ok::<(), ja_finnews::Error>(())
//! ```
//!
//! ## Pipeline
//! `article` (front matter, Markdown) → `normalize` (width folding with an
//! offset map) → `tokenize` (lindera + embedded IPADIC + finance user
//! dictionary) → `sentence` → `extract` → `sentiment` → [`Analysis`].
//! Every span is a byte range into the caller's original text.
//!
//! ## Performance
//! Build one [`Analyzer`] and share it: it is `Send + Sync`, and building a
//! second one reuses the loaded dictionaries.
#![deny(missing_docs)]

pub mod analysis;
pub mod article;
pub mod error;
pub mod extract;
mod hash;
pub mod normalize;
pub mod sentence;
pub mod sentiment;
pub mod span;
pub mod tokenize;

pub use analysis::{Analysis, Analyzer, AnalyzerBuilder, Sentence};
pub use article::{Article, Meta};
pub use error::{Error, ErrorKind, Result};
pub use extract::{Entity, EntityKind, EntityValue, ExtractorSet};
pub use sentiment::{Label, Sentiment, SentimentReport};
pub use span::Span;
pub use tokenize::{Features, Token, Tokenizer};
