//! Trains the document-sentiment calibration layer
//! (`dictionaries/sentiment/calibration.tsv`): multinomial logistic
//! regression over the rule scorer's composition features and content-word
//! base forms, by deterministic full-batch gradient descent.
//!
//! ```text
//! cargo run --release --example train_sentiment -- DATA.jsonl [--out FILE] [--check OTHER.jsonl]
//! ```
//! DATA is JSONL with `text` and `label` (positive/negative/neutral) and an
//! `id` whose second `-`-separated field names the month (`current-202301-0000`):
//! before training on everything, it reports month-by-month held-out figures
//! against the rules alone. The training data is never written anywhere.

use std::collections::HashMap;
use std::process::ExitCode;

use ja_finnews::Analyzer;
use ja_finnews::sentiment::NEUTRAL_BAND;
use ja_finnews::sentiment::calibration::{CLASSES, softmax};
use rayon::prelude::*;

/// Features seen in fewer training documents than this are dropped.
const MIN_DOCS: usize = 5;
const EPOCHS: usize = 600;
const LEARNING_RATE: f32 = 0.3;
const L2: f32 = 1e-3;

struct Doc {
    month: String,
    label: usize,
    features: Vec<(String, f32)>,
}

fn class_of(label: &str) -> Option<usize> {
    CLASSES.iter().position(|c| *c == label)
}

fn load(analyzer: &Analyzer, path: &str) -> Result<Vec<Doc>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let rows: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{path}: {e}")))
        .collect::<Result<_, _>>()?;
    rows.par_iter()
        .map(|r| {
            let label = r["label"]
                .as_str()
                .and_then(class_of)
                .ok_or("missing label")?;
            let month = r["id"]
                .as_str()
                .and_then(|id| id.split('-').nth(1))
                .unwrap_or("all")
                .to_string();
            let text = r["text"].as_str().ok_or("missing text")?;
            Ok(Doc {
                month,
                label,
                features: analyzer.document_features(text),
            })
        })
        .collect()
}

/// A trained model: feature → weights per class.
type Model = HashMap<String, [f32; 3]>;

fn train(docs: &[&Doc]) -> Model {
    let mut df: HashMap<&str, usize> = HashMap::new();
    for d in docs {
        for (name, _) in &d.features {
            *df.entry(name).or_default() += 1;
        }
    }
    let min_docs = std::env::var("MIN_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MIN_DOCS);
    let mut names: Vec<&str> = df
        .iter()
        .filter(|(_, n)| **n >= min_docs)
        .map(|(k, _)| *k)
        .collect();
    names.sort_unstable();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let rows: Vec<Vec<(usize, f32)>> = docs
        .iter()
        .map(|d| {
            d.features
                .iter()
                .filter_map(|(n, v)| index.get(n.as_str()).map(|&i| (i, *v)))
                .collect()
        })
        .collect();
    // Balanced class weights: macro-F1 counts every class the same.
    let mut counts = [0usize; 3];
    for d in docs {
        counts[d.label] += 1;
    }
    let class_weight = counts.map(|c| docs.len() as f32 / (3.0 * c.max(1) as f32));
    let mut w = vec![[0.0f32; 3]; names.len()];
    let mut g2 = vec![[1e-8f32; 3]; names.len()];
    let n = docs.len() as f32;
    for _ in 0..EPOCHS {
        let mut grad = vec![[0.0f32; 3]; names.len()];
        for (row, d) in rows.iter().zip(docs) {
            let mut logits = [0.0f32; 3];
            for &(i, v) in row {
                for k in 0..3 {
                    logits[k] += w[i][k] * v;
                }
            }
            let p = softmax(logits);
            for k in 0..3 {
                let err = (p[k] - f32::from(u8::from(k == d.label))) * class_weight[d.label];
                for &(i, v) in row {
                    grad[i][k] += err * v / n;
                }
            }
        }
        // AdaGrad step with L2.
        for i in 0..names.len() {
            for k in 0..3 {
                let l2 = std::env::var("L2")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(L2);
                let g = grad[i][k] + l2 * w[i][k];
                g2[i][k] += g * g;
                w[i][k] -= LEARNING_RATE * g / g2[i][k].sqrt();
            }
        }
    }
    names
        .iter()
        .zip(w)
        .map(|(n, w)| (n.to_string(), w))
        .collect()
}

fn predict(model: &Model, d: &Doc) -> usize {
    // The same gate as the library: no rule cue at all → the rules' answer.
    if !d
        .features
        .iter()
        .any(|(n, _)| n.starts_with("c+:") || n.starts_with("c-:"))
    {
        return rules_label(d);
    }
    // And a question is neutral, as in the rules.
    if feature(d, "question") > 0.0 {
        return 2;
    }
    let mut logits = [0.0f32; 3];
    for (name, v) in &d.features {
        if let Some(w) = model.get(name) {
            for k in 0..3 {
                logits[k] += w[k] * v;
            }
        }
    }
    (0..3)
        .max_by(|&a, &b| logits[a].total_cmp(&logits[b]))
        .unwrap_or(2)
}

fn feature(d: &Doc, name: &str) -> f32 {
    d.features
        .iter()
        .find(|(n, _)| n == name)
        .map_or(0.0, |(_, v)| *v)
}

fn rules_label(d: &Doc) -> usize {
    let s = d
        .features
        .iter()
        .find(|(n, _)| n == "rule_squash")
        .map_or(0.0, |(_, v)| *v);
    if s >= NEUTRAL_BAND {
        0
    } else if s <= -NEUTRAL_BAND {
        1
    } else {
        2
    }
}

/// (accuracy, macro-F1, polar-only accuracy)
fn metrics(pairs: &[(usize, usize)]) -> (f64, f64, f64) {
    let acc = pairs.iter().filter(|(g, p)| g == p).count() as f64 / pairs.len().max(1) as f64;
    let mut f1 = 0.0;
    for k in 0..3 {
        let tp = pairs.iter().filter(|(g, p)| *g == k && *p == k).count() as f64;
        let fp = pairs.iter().filter(|(g, p)| *g != k && *p == k).count() as f64;
        let fn_ = pairs.iter().filter(|(g, p)| *g == k && *p != k).count() as f64;
        let (pr, rc) = (tp / (tp + fp).max(1.0), tp / (tp + fn_).max(1.0));
        f1 += if pr + rc > 0.0 {
            2.0 * pr * rc / (pr + rc)
        } else {
            0.0
        };
    }
    let polar: Vec<_> = pairs.iter().filter(|(g, _)| *g != 2).collect();
    let pacc = polar.iter().filter(|(g, p)| g == p).count() as f64 / polar.len().max(1) as f64;
    (acc, f1 / 3.0, pacc)
}

fn report(name: &str, pairs: &[(usize, usize)]) {
    let (a, f, p) = metrics(pairs);
    println!(
        "{name:<34} accuracy {a:.3}  macro-F1 {f:.3}  polar-only accuracy {p:.3}  (n={})",
        pairs.len()
    );
}

fn write_model(model: &Model, path: &str, data: &str, docs: usize) -> std::io::Result<()> {
    let mut rows: Vec<(&String, &[f32; 3])> = model
        .iter()
        .filter(|(_, w)| w.iter().any(|x| x.abs() >= 0.01))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::new();
    out.push_str(&format!(
        "# ja-finnews: calibration weights for document sentiment (multinomial logistic regression).\n\
         # Columns: feature<TAB>w_positive<TAB>w_negative<TAB>w_neutral. Features: `bias`, the rule\n\
         # scorer's composition (rule_sum, rule_squash, pos_mass, neg_mass, first_sum, last_sum, flat,\n\
         # question, contrast, hedge, sentences), `c+:`/`c-:` rule cues by sign and base form, and\n\
         # `w:` content-word base forms and `b:` pairs of neighbouring ones (presence).\n\
         # Source: trained by examples/train_sentiment.rs on {docs} labelled comments ({data}; the\n\
         # Economy Watchers Survey, Cabinet Office of Japan, CC BY 4.0 — the data is not in this repo).\n\
         # The weights are ours. Licence: MIT.\n\
         # Regenerate: cargo run --release --example train_sentiment -- <economy_watchers_dev.jsonl> --out {path}\n"
    ));
    for (name, w) in rows {
        out.push_str(&format!("{name}\t{:.4}\t{:.4}\t{:.4}\n", w[0], w[1], w[2]));
    }
    std::fs::write(path, out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut data = None;
    let mut out = None;
    let mut check = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = it.next().cloned(),
            "--check" => check.extend(it.next().cloned()),
            _ => data = Some(a.clone()),
        }
    }
    let Some(data) = data else {
        eprintln!("usage: train_sentiment DATA.jsonl [--out FILE] [--check OTHER.jsonl]");
        return ExitCode::from(2);
    };
    let analyzer = match Analyzer::builder().rules_only_sentiment().build() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let docs = match load(&analyzer, &data) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let mut months: Vec<&str> = docs.iter().map(|d| d.month.as_str()).collect();
    months.sort_unstable();
    months.dedup();
    println!("{} documents, {} months", docs.len(), months.len());
    // Held-out months: train on the others, predict the month.
    let held_out: Vec<Vec<(usize, usize, usize)>> = months
        .par_iter()
        .map(|m| {
            let train_docs: Vec<&Doc> = docs.iter().filter(|d| d.month != *m).collect();
            let model = train(&train_docs);
            docs.iter()
                .filter(|d| d.month == *m)
                .map(|d| (d.label, predict(&model, d), rules_label(d)))
                .collect()
        })
        .collect();
    let all: Vec<(usize, usize, usize)> = held_out.into_iter().flatten().collect();
    if months.len() > 1 {
        report(
            "rules, all months",
            &all.iter().map(|&(g, _, r)| (g, r)).collect::<Vec<_>>(),
        );
        report(
            "calibrated, held-out months",
            &all.iter().map(|&(g, p, _)| (g, p)).collect::<Vec<_>>(),
        );
    }
    let model = train(&docs.iter().collect::<Vec<_>>());
    for path in &check {
        match load(&analyzer, path) {
            Ok(other) => {
                report(
                    &format!("rules on {path}"),
                    &other
                        .iter()
                        .map(|d| (d.label, rules_label(d)))
                        .collect::<Vec<_>>(),
                );
                report(
                    &format!("calibrated on {path}"),
                    &other
                        .iter()
                        .map(|d| (d.label, predict(&model, d)))
                        .collect::<Vec<_>>(),
                );
            }
            Err(e) => eprintln!("error: {e}"),
        }
    }
    if let Some(out) = out {
        let name = std::path::Path::new(&data)
            .file_name()
            .map_or(data.clone(), |n| n.to_string_lossy().into_owned());
        if let Err(e) = write_model(&model, &out, &name, docs.len()) {
            eprintln!("error: writing {out}: {e}");
            return ExitCode::from(1);
        }
        println!("wrote {} features to {out}", model.len());
    }
    ExitCode::SUCCESS
}
