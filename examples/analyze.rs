//! Analyse articles, folders of articles, or lines of text, and print JSON
//! (SPEC §7).
//!
//! ```text
//! cargo run --release --example analyze -- [OPTIONS] [PATH…]
//!   PATH                 a file, a folder (walked for .md/.markdown/.txt), or - for stdin
//!   --format FORMAT      json | jsonl | pretty (default: pretty on a terminal, json otherwise)
//!   --lines              every non-empty input line is its own document (JSONL out)
//!   --targets            input is JSONL {"id","text","targets":[[start,end],…]} (char offsets)
//!   --tokens             include tokens in the records
//! ```
//! One record per input document; unreadable inputs give `{"source","error"}`
//! records. Exit code: 0 ok, 1 if any input failed, 2 for bad usage.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ja_finnews::{Analysis, Analyzer, Article, Entity, Span};
use rayon::prelude::*;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Jsonl,
    Pretty,
}

#[derive(Debug)]
struct Options {
    format: Format,
    lines: bool,
    targets: bool,
    tokens: bool,
    paths: Vec<String>,
}

const USAGE: &str =
    "usage: analyze [--format json|jsonl|pretty] [--lines | --targets] [--tokens] [PATH…]";

fn parse_args() -> Result<Options, String> {
    let mut format = None;
    let mut lines = false;
    let mut targets = false;
    let mut tokens = false;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => {
                let value = args.next().ok_or("--format needs a value")?;
                format = Some(parse_format(&value)?);
            }
            s if s.starts_with("--format=") => format = Some(parse_format(&s[9..])?),
            "--lines" => lines = true,
            "--targets" => targets = true,
            "--tokens" => tokens = true,
            "-h" | "--help" => return Err(String::new()),
            "-" => paths.push(arg),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            _ => paths.push(arg),
        }
    }
    if lines && targets {
        return Err("--lines and --targets cannot be combined".into());
    }
    let format = match format {
        Some(Format::Pretty) if lines || targets => {
            return Err("--lines and --targets write JSONL; --format pretty does not apply".into());
        }
        Some(f) => f,
        None if lines || targets => Format::Jsonl,
        None if std::io::stdout().is_terminal() => Format::Pretty,
        None => Format::Json,
    };
    Ok(Options {
        format,
        lines,
        targets,
        tokens,
        paths,
    })
}

fn parse_format(value: &str) -> Result<Format, String> {
    match value {
        "json" => Ok(Format::Json),
        "jsonl" => Ok(Format::Jsonl),
        "pretty" => Ok(Format::Pretty),
        other => Err(format!("unknown format {other:?} (json, jsonl or pretty)")),
    }
}

/// One input document source: a file or stdin.
#[derive(Debug, Clone)]
enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => p.display().to_string(),
        }
    }

    fn read(&self) -> Result<String, String> {
        let bytes = match self {
            Input::Stdin => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map_err(|e| format!("cannot read stdin: {e}"))?;
                buf
            }
            Input::File(p) => std::fs::read(p).map_err(|e| format!("cannot read file: {e}"))?,
        };
        String::from_utf8(bytes).map_err(|e| {
            format!(
                "not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        })
    }
}

/// Expands folders into their article files (sorted, for stable output).
fn collect_inputs(paths: &[String]) -> Result<Vec<Input>, String> {
    if paths.is_empty() {
        return Ok(vec![Input::Stdin]);
    }
    let mut inputs = Vec::new();
    for p in paths {
        if p == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = PathBuf::from(p);
        if path.is_dir() {
            let mut files = Vec::new();
            walk(&path, &mut files).map_err(|e| format!("cannot walk {p}: {e}"))?;
            files.sort();
            inputs.extend(files.into_iter().map(Input::File));
        } else {
            // Missing files become error records, not usage errors.
            inputs.push(Input::File(path));
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "md" | "markdown" | "txt"))
        {
            out.push(path);
        }
    }
    Ok(())
}

fn error_record(source: &str, error: &str) -> Value {
    json!({"source": source, "error": error})
}

/// The JSON record of one analysed document (SPEC §7).
fn record(source: &str, meta: Option<&ja_finnews::Meta>, a: &Analysis<'_>, tokens: bool) -> Value {
    let mut rec = json!({
        "source": source,
        "sentences": a.sentences,
        "entities": a.entities,
        "sentiment": a.sentiment,
    });
    if let Some(meta) = meta {
        rec["meta"] = json!(meta);
    }
    if tokens {
        rec["tokens"] = json!(a.tokens);
    }
    rec
}

/// Analyses one file (or stdin) as an article.
fn analyze_input(analyzer: &Analyzer, input: &Input, tokens: bool) -> (Value, bool) {
    let name = input.name();
    let text = match input.read() {
        Ok(t) => t,
        Err(e) => return (error_record(&name, &e), false),
    };
    let article = match Article::parse(&text) {
        Ok(a) => a,
        Err(e) => return (error_record(&name, &e.to_string()), false),
    };
    // A bug must cost one record, not the run: report it as an error record.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyzer.analyze_article(&article)
    })) {
        Ok(analysis) => (record(&name, Some(article.meta()), &analysis, tokens), true),
        Err(_) => (
            error_record(&name, "internal error while analysing (please report)"),
            false,
        ),
    }
}

/// `--lines`: each non-empty line of each input is a document.
fn analyze_lines(analyzer: &Analyzer, input: &Input, tokens: bool) -> Vec<(Value, bool)> {
    let name = input.name();
    let text = match input.read() {
        Ok(t) => t,
        Err(e) => return vec![(error_record(&name, &e), false)],
    };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    lines
        .par_iter()
        .map(|&(n, line)| {
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| analyzer.analyze(line)));
            let (mut rec, ok) = match result {
                Ok(analysis) => (record(&name, None, &analysis, tokens), true),
                Err(_) => (
                    error_record(&name, "internal error while analysing (please report)"),
                    false,
                ),
            };
            rec["line"] = json!(n + 1);
            (rec, ok)
        })
        .collect()
}

/// `--targets`: JSONL with character-offset targets in, labels out.
fn analyze_targets(analyzer: &Analyzer, input: &Input) -> Vec<(Value, bool)> {
    let name = input.name();
    let text = match input.read() {
        Ok(t) => t,
        Err(e) => return vec![(error_record(&name, &e), false)],
    };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    lines
        .par_iter()
        .map(|&(n, line)| {
            match std::panic::catch_unwind(|| target_record(analyzer, line)).unwrap_or_else(|_| {
                Err("internal error while analysing (please report)".to_string())
            }) {
                Ok(mut rec) => {
                    rec["source"] = json!(name);
                    rec["line"] = json!(n + 1);
                    (rec, true)
                }
                Err(e) => {
                    let mut rec = error_record(&name, &e);
                    rec["line"] = json!(n + 1);
                    (rec, false)
                }
            }
        })
        .collect()
}

fn target_record(analyzer: &Analyzer, line: &str) -> Result<Value, String> {
    let input: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let text = input["text"].as_str().ok_or("missing \"text\" string")?;
    let targets = input["targets"]
        .as_array()
        .ok_or("missing \"targets\" array")?;
    // Character offsets → byte offsets.
    let mut byte_at: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    byte_at.push(text.len());
    let mut spans = Vec::with_capacity(targets.len());
    for t in targets {
        let pair = t.as_array().filter(|p| p.len() == 2);
        let (s, e) = match pair.map(|p| (p[0].as_u64(), p[1].as_u64())) {
            Some((Some(s), Some(e))) => (s as usize, e as usize),
            _ => return Err(format!("target {t} is not [start, end]")),
        };
        if s > e || e >= byte_at.len() {
            return Err(format!(
                "target [{s}, {e}] is outside the {}-character text",
                byte_at.len() - 1
            ));
        }
        spans.push(Span::new(byte_at[s], byte_at[e]));
    }
    let results = analyzer
        .sentiment_toward_all(text, &spans)
        .map_err(|e| e.to_string())?;
    let out: Vec<Value> = targets
        .iter()
        .zip(results)
        .map(|(t, s)| json!({"start": t[0], "end": t[1], "label": s.label, "score": s.score}))
        .collect();
    Ok(json!({"id": input.get("id").cloned().unwrap_or(Value::Null), "targets": out}))
}

fn entity_value_summary(e: &Entity<'_>) -> String {
    let v = serde_json::to_value(&e.value).unwrap_or(Value::Null);
    let mut parts = Vec::new();
    if let Value::Object(map) = v {
        for (k, v) in map {
            if k == "kind" || v.is_null() || v == json!(false) || v == json!([]) {
                continue;
            }
            parts.push(format!(
                "{k}={}",
                v.as_str().map_or_else(|| v.to_string(), String::from)
            ));
        }
    }
    parts.join(" ")
}

/// A readable report for a person.
fn pretty(
    rec: &Value,
    analysis: Option<&Analysis<'_>>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    writeln!(out, "== {}", rec["source"].as_str().unwrap_or("-"))?;
    if let Some(err) = rec.get("error").and_then(Value::as_str) {
        return writeln!(out, "   error: {err}");
    }
    if let Some(meta) = rec.get("meta").and_then(Value::as_object) {
        for key in ["title", "date", "author"] {
            if let Some(v) = meta.get(key).and_then(Value::as_str) {
                writeln!(out, "   {key:<8} {v}")?;
            }
        }
        if let Some(tags) = meta.get("tags").and_then(Value::as_array) {
            let tags: Vec<&str> = tags.iter().filter_map(Value::as_str).collect();
            writeln!(out, "   {:<8} {}", "tags", tags.join(", "))?;
        }
    }
    let Some(a) = analysis else { return Ok(()) };
    writeln!(
        out,
        "   {} tokens, {} sentences, {} entities",
        a.tokens.len(),
        a.sentences.len(),
        a.entities.len()
    )?;
    if !a.entities.is_empty() {
        writeln!(
            out,
            "\n   {:<8} {:<28} {:>12}  value",
            "kind", "text", "bytes"
        )?;
        for e in &a.entities {
            let kind = serde_json::to_value(e.kind()).unwrap_or(Value::Null);
            writeln!(
                out,
                "   {:<8} {:<28} {:>12}  {}",
                kind.as_str().unwrap_or("?"),
                e.text,
                format!("{}..{}", e.span.start, e.span.end),
                entity_value_summary(e)
            )?;
        }
    }
    let d = &a.sentiment.document;
    writeln!(out, "\n   sentiment {:?} ({:+.2})", d.label, d.score)?;
    for ev in d.evidence.iter().take(12) {
        writeln!(
            out,
            "     {:+.2} {} [{}..{}] {}{}",
            ev.weight,
            ev.text,
            ev.span.start,
            ev.span.end,
            ev.rule,
            if ev.negated { " (negated)" } else { "" }
        )?;
    }
    for c in &a.sentiment.companies {
        writeln!(
            out,
            "     company {:<20} {:?} ({:+.2})",
            c.company, c.label, c.score
        )?;
    }
    writeln!(out)
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            if e.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let analyzer = match Analyzer::new() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let inputs = match collect_inputs(&options.paths) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    let mut write =
        |rec: &Value, ok: bool, out: &mut std::io::BufWriter<std::io::StdoutLock<'_>>| {
            failed |= !ok;
            writeln!(out, "{rec}")
        };

    if options.lines || options.targets {
        for input in &inputs {
            let records = if options.targets {
                analyze_targets(&analyzer, input)
            } else {
                analyze_lines(&analyzer, input, options.tokens)
            };
            for (rec, ok) in &records {
                if write(rec, *ok, &mut out).is_err() {
                    return ExitCode::from(1);
                }
            }
        }
    } else if options.format == Format::Pretty {
        for input in &inputs {
            let name = input.name();
            let text = input.read();
            let result = text.and_then(|t| {
                Article::parse(&t)
                    .map(|article| {
                        let a = analyzer.analyze_article(&article);
                        let rec = record(&name, Some(article.meta()), &a, false);
                        let mut buf = Vec::new();
                        let _ = pretty(&rec, Some(&a), &mut buf);
                        buf
                    })
                    .map_err(|e| e.to_string())
            });
            let ok = result.is_ok();
            failed |= !ok;
            let bytes = result.unwrap_or_else(|e| {
                let mut buf = Vec::new();
                let _ = pretty(&error_record(&name, &e), None, &mut buf);
                buf
            });
            if out.write_all(&bytes).is_err() {
                return ExitCode::from(1);
            }
        }
    } else {
        let progress = if inputs.len() > 1 && std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(
                Some(inputs.len() as u64),
                ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
            {
                bar.set_style(style);
            }
            Some(bar)
        } else {
            None
        };
        // JSONL records are rendered on the worker threads, so that building,
        // printing and freeing each record's JSON tree all run in parallel;
        // only the writing is in order.
        enum Rendered {
            Tree(Value),
            Line(String),
        }
        let jsonl = !matches!(options.format, Format::Json);
        let records: Vec<(Rendered, bool)> = inputs
            .par_iter()
            .map(|input| {
                let (rec, ok) = analyze_input(&analyzer, input, options.tokens);
                if let Some(bar) = &progress {
                    bar.inc(1);
                }
                if jsonl {
                    (Rendered::Line(rec.to_string()), ok)
                } else {
                    (Rendered::Tree(rec), ok)
                }
            })
            .collect();
        let tree = |r: Rendered| match r {
            Rendered::Tree(v) => v,
            Rendered::Line(l) => Value::String(l),
        };
        if let Some(bar) = progress {
            bar.finish_and_clear();
        }
        let result = match options.format {
            Format::Json if records.len() == 1 => {
                failed |= !records[0].1;
                let record = records.into_iter().next().map(|(r, _)| tree(r));
                serde_json::to_writer_pretty(&mut out, &record)
                    .map_err(std::io::Error::other)
                    .and_then(|_| writeln!(out))
            }
            Format::Json => {
                failed |= records.iter().any(|(_, ok)| !ok);
                let all: Vec<Value> = records.into_iter().map(|(r, _)| tree(r)).collect();
                serde_json::to_writer_pretty(&mut out, &all)
                    .map_err(std::io::Error::other)
                    .and_then(|_| writeln!(out))
            }
            _ => {
                failed |= records.iter().any(|(_, ok)| !ok);
                records.iter().try_for_each(|(r, _)| match r {
                    Rendered::Line(line) => writeln!(out, "{line}"),
                    Rendered::Tree(v) => writeln!(out, "{v}"),
                })
            }
        };
        if result.is_err() {
            return ExitCode::from(1);
        }
    }
    if out.flush().is_err() {
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
