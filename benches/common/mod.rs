//! Shared by the benches: the text they measure on.

use ja_finnews::{Analyzer, Article, ExtractorSet};

/// The sample articles ×10, or the file named by `JA_FINNEWS_BENCH_TEXT`
/// (an article or plain text, repeated to at least 20 KB) to measure on
/// text of your own.
pub fn corpus() -> String {
    if let Ok(path) = std::env::var("JA_FINNEWS_BENCH_TEXT") {
        let src = std::fs::read_to_string(&path).expect("JA_FINNEWS_BENCH_TEXT is readable");
        let text = match Article::parse(&src) {
            Ok(article) => article.text().to_string(),
            Err(_) => src,
        };
        assert!(!text.is_empty(), "{path} has no text");
        return text.repeat(20_000usize.div_ceil(text.len()));
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/articles");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("examples/articles")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let mut text = String::new();
    for p in paths {
        let src = std::fs::read_to_string(&p).expect("readable article");
        let article = Article::parse(&src).expect("valid article");
        text.push_str(article.text());
    }
    text.repeat(10)
}

/// The analyzers of the pipeline's stages, each adding one step to the one
/// before: tokens + sentences; + extraction; + rule sentiment; the default
/// (+ the calibration layer). A stage's cost is its time minus the one
/// before.
pub struct Stages {
    pub sentences: Analyzer,
    pub extraction: Analyzer,
    pub rule_sentiment: Analyzer,
    pub full: Analyzer,
}

impl Stages {
    pub fn new() -> Stages {
        let build = |b: ja_finnews::AnalyzerBuilder| b.build().expect("embedded dictionaries");
        Stages {
            sentences: build(
                Analyzer::builder()
                    .extractors(ExtractorSet::none())
                    .skip_sentiment(),
            ),
            extraction: build(Analyzer::builder().skip_sentiment()),
            rule_sentiment: build(Analyzer::builder().rules_only_sentiment()),
            full: build(Analyzer::builder()),
        }
    }
}
