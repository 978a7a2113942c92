//! Raw lindera segmentation vs our tokenizer vs the full analysis, on the
//! same text (the sample articles), side by side with `Throughput::Bytes`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ja_finnews::{Analyzer, Article, ExtractorSet};

/// The sample articles ×10, or the file named by `JA_FINNEWS_BENCH_TEXT`
/// (an article or plain text, repeated to at least 20 KB) to measure on
/// text of your own.
fn corpus() -> String {
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

fn pipeline(c: &mut Criterion) {
    let text = corpus();
    let analyzer = Analyzer::new().expect("embedded dictionaries");
    // The same segmenter lindera users would build: our embedded IPADIC.
    let tokens = analyzer.tokenizer().tokenize(&text);
    assert!(
        tokens.len() > 1000,
        "corpus too small: {} tokens",
        tokens.len()
    );

    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("lindera_raw", |b| {
        b.iter(|| analyzer.tokenizer().raw_segment_count(black_box(&text)))
    });
    group.bench_function("tokenize", |b| {
        b.iter(|| black_box(analyzer.tokenizer().tokenize(black_box(&text))).len())
    });
    // Stages, each adding one to the one before: tokens + sentences; +
    // extraction; + rule sentiment; then the default analyzer (+ the
    // calibration layer). A stage's cost is its time minus the one before.
    let sentences_only = Analyzer::builder()
        .extractors(ExtractorSet::none())
        .skip_sentiment()
        .build()
        .expect("embedded dictionaries");
    let no_sentiment = Analyzer::builder()
        .skip_sentiment()
        .build()
        .expect("embedded dictionaries");
    let rules_only = Analyzer::builder()
        .rules_only_sentiment()
        .build()
        .expect("embedded dictionaries");
    group.bench_function("tokens_sentences", |b| {
        b.iter(|| {
            black_box(sentences_only.analyze(black_box(&text)))
                .tokens
                .len()
        })
    });
    group.bench_function("plus_extract", |b| {
        b.iter(|| {
            black_box(no_sentiment.analyze(black_box(&text)))
                .entities
                .len()
        })
    });
    group.bench_function("plus_rule_sentiment", |b| {
        b.iter(|| {
            black_box(rules_only.analyze(black_box(&text)))
                .entities
                .len()
        })
    });
    group.bench_function("analyze", |b| {
        b.iter(|| black_box(analyzer.analyze(black_box(&text))).entities.len())
    });
    group.bench_function("analyze_owned", |b| {
        b.iter(|| {
            black_box(analyzer.analyze(black_box(&text)).into_owned())
                .tokens
                .len()
        })
    });
    group.finish();
}

fn startup(c: &mut Criterion) {
    c.bench_function("analyzer_new_shared", |b| {
        b.iter(|| black_box(Analyzer::new().is_ok()))
    });
}

criterion_group!(benches, pipeline, startup);
criterion_main!(benches);
