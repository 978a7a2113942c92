//! Shared by the benches: the text they measure on.

use ja_finnews::{Analyzer, Article, ExtractorSet};

/// Distinct news text: the sample articles and the bench's own articles
/// (`benches/corpus/`, 24 in all, about 40 KB), each once, or the file named
/// by `JA_FINNEWS_BENCH_TEXT` (an article or plain text, repeated to at
/// least 20 KB) to measure on text of your own. Text is not repeated when
/// it need not be: a processor running the same few kilobytes again and
/// again learns them (tokenizing a text right after another text is about
/// 10% slower than tokenizing it twice in a row), which flatters the first
/// stage and charges whatever runs between to the ones after.
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
    let root = env!("CARGO_MANIFEST_DIR");
    let mut paths: Vec<_> = ["examples/articles", "benches/corpus"]
        .iter()
        .flat_map(|dir| {
            std::fs::read_dir(format!("{root}/{dir}"))
                .expect("article folders")
                .filter_map(|e| e.ok().map(|e| e.path()))
        })
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    let mut text = String::new();
    for p in paths {
        let src = std::fs::read_to_string(&p).expect("readable article");
        let article = Article::parse(&src).expect("valid article");
        text.push_str(article.text());
        text.push('\n');
    }
    text.repeat(20_000usize.div_ceil(text.len()))
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
