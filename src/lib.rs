//! # ja-finnews
//!
//! Japanese financial news into structured facts: tokens, sentences,
//! entities with exact normalized values, and finance-aware sentiment.
//!
//! ```
//! use ja_finnews::{Analyzer, EntityValue, Label};
//!
//! let analyzer = Analyzer::new()?;
//! let text = "アリババ（NYSE: BABA）は約530億ドルを投じ、株価が８％上昇した。";
//! let analysis = analyzer.analyze(text);
//!
//! // Tokens and every other span index the original text, full-width and all.
//! assert_eq!(analysis.tokens[0].text, "アリババ");
//! let money = analysis
//!     .entities
//!     .iter()
//!     .find_map(|e| match &e.value {
//!         EntityValue::Money(m) => Some((e, m)),
//!         _ => None,
//!     })
//!     .unwrap();
//! assert_eq!(&text[money.0.span.range()], "約530億ドル");
//! // Values are exact decimals, written as plain decimal text in JSON.
//! assert_eq!(money.1.amount, Some("53000000000".parse().unwrap()));
//! assert_eq!(money.1.currency, "USD");
//! assert!(money.1.approximate);
//!
//! let ticker = analysis.entities.iter().find(|e| e.text == "NYSE: BABA").unwrap();
//! assert!(matches!(&ticker.value, EntityValue::Ticker(t) if t.mic == "XNYS"));
//!
//! // Sentiment comes with the cues that decided it.
//! assert_eq!(analysis.sentiment.document.label, Label::Positive);
//! assert!(analysis.sentiment.document.evidence.iter().any(|e| e.text == "上昇"));
//! # Ok::<(), ja_finnews::Error>(())
//! ```
//!
//! Articles (Markdown with YAML or TOML front matter) go through
//! [`Article::parse`] and [`Analyzer::analyze_article`]; spans then index the
//! whole file. [`Analyzer::sentiment_toward`] scores any span (aspect level).
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
mod data;
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
pub use extract::number::Decimal;
pub use extract::{Entity, EntityKind, EntityValue, ExtractorSet};
pub use sentiment::{Label, Sentiment, SentimentReport};
pub use span::Span;
pub use tokenize::{FEATURE_NAMES, Features, Token, Tokenizer};
