//! What each pipeline stage adds, as a share of tokenization time: the
//! stages of `benches/pipeline.rs` (tokens + sentences; + extraction; + rule
//! sentiment; + calibration), measured round by round in turn rather than
//! one after the other, so a slow spell of a shared machine falls on every
//! stage alike. Prints the median of the rounds per stage and the costs.
//!
//! It then times a tokenization right after each stage, which shows how
//! much of a stage's cost is the tokenizer refilling its caches afterwards.
//!
//! `cargo bench --bench stages` (30 rounds; `-- --rounds N` for more). Under
//! `cargo test` it runs one short round as a smoke test.

use std::hint::black_box;
use std::time::Instant;

mod common;
use common::{Stages, corpus};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let benching = args.iter().any(|a| a == "--bench");
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(if benching { 30 } else { 1 });
    let iterations = if benching { 20 } else { 1 };

    let text = corpus();
    let Stages {
        sentences,
        extraction: extract,
        rule_sentiment: rules,
        full,
    } = Stages::new();
    let stages: [(&str, &dyn Fn() -> usize); 5] = [
        ("tokenize", &|| {
            full.tokenizer().tokenize(black_box(&text)).len()
        }),
        ("+ sentences", &|| {
            sentences.analyze(black_box(&text)).tokens.len()
        }),
        ("+ extraction", &|| {
            extract.analyze(black_box(&text)).entities.len()
        }),
        ("+ rule sentiment", &|| {
            rules.analyze(black_box(&text)).entities.len()
        }),
        ("+ calibration", &|| {
            full.analyze(black_box(&text)).entities.len()
        }),
    ];
    // Warm every stage's caches (the thread's lindera worker, word answers).
    for (_, stage) in &stages {
        black_box(stage());
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); stages.len()];
    for _ in 0..rounds {
        for ((_, stage), times) in stages.iter().zip(&mut times) {
            let start = Instant::now();
            for _ in 0..iterations {
                black_box(stage());
            }
            times.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(iterations));
        }
    }
    let medians = median_of_each(times);
    println!(
        "{} bytes, median of {rounds} rounds of {iterations}:",
        text.len()
    );
    let tokenize = medians[0];
    for (i, ((name, _), median)) in stages.iter().zip(&medians).enumerate() {
        let adds = match i {
            0 => String::new(),
            _ => format!(
                "  adds {:5.1}% of tokenization",
                (median - medians[i - 1]) / tokenize * 100.0
            ),
        };
        println!("  {name:<17} {median:8.1} µs{adds}");
    }
    println!(
        "  sentiment in all adds {:.1}% of tokenization",
        (medians[4] - medians[2]) / tokenize * 100.0
    );
    // Part of what a stage adds is not its own time: tokenizing the next
    // text is slower once a stage's data has pushed the dictionary out of
    // the caches. Time a tokenization right after each stage's analysis.
    let mut after: Vec<Vec<f64>> = vec![Vec::new(); stages.len()];
    for _ in 0..rounds {
        for ((_, stage), times) in stages.iter().zip(&mut after) {
            for _ in 0..iterations {
                black_box(stage());
                let start = Instant::now();
                black_box(full.tokenizer().tokenize(black_box(&text)).len());
                times.push(start.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    let after = median_of_each(after);
    println!("tokenizing the text again right after each stage:");
    for ((name, _), median) in stages.iter().zip(&after) {
        println!(
            "  after {name:<17} {median:8.1} µs  {:+5.1}%",
            (median - after[0]) / after[0] * 100.0
        );
    }
}

/// The median of each list of timings.
fn median_of_each(mut times: Vec<Vec<f64>>) -> Vec<f64> {
    times
        .iter_mut()
        .map(|t| {
            t.sort_by(f64::total_cmp);
            t[t.len() / 2]
        })
        .collect()
}
