//! Raw lindera segmentation vs our tokenizer vs the full analysis, on the
//! same text (the sample articles), side by side with `Throughput::Bytes`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ja_finnews::{Analyzer, ExtractorSet};

mod common;
use common::corpus;

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
