//! Raw lindera segmentation vs our tokenizer vs the full analysis, on the
//! same text (the sample articles), side by side with `Throughput::Bytes`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ja_finnews::Analyzer;

mod common;
use common::{Stages, corpus};

fn pipeline(c: &mut Criterion) {
    let text = corpus();
    let Stages {
        sentences,
        extraction,
        rule_sentiment,
        full: analyzer,
    } = Stages::new();
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
    // Stages, each adding one step (see `common::Stages`).
    group.bench_function("tokens_sentences", |b| {
        b.iter(|| black_box(sentences.analyze(black_box(&text))).tokens.len())
    });
    group.bench_function("plus_extract", |b| {
        b.iter(|| {
            black_box(extraction.analyze(black_box(&text)))
                .entities
                .len()
        })
    });
    group.bench_function("plus_rule_sentiment", |b| {
        b.iter(|| {
            black_box(rule_sentiment.analyze(black_box(&text)))
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
