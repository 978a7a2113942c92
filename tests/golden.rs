//! Golden files: the entities and sentiment of each sample article in
//! `examples/articles/` are compared with `tests/golden/<name>.json`.
//! After an intended change, regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test golden` and review the diff.

use std::path::Path;

use ja_finnews::{Analyzer, Article};
use serde_json::{Value, json};

fn summary(analyzer: &Analyzer, src: &str) -> Value {
    let article = Article::parse(src).expect("sample articles parse");
    let a = analyzer.analyze_article(&article);
    for e in &a.entities {
        assert_eq!(&src[e.span.range()], e.text, "entity span");
        // The flattened JSON keeps `start`/`end` as the byte span: no value
        // field may shadow them.
        let j = serde_json::to_value(e).unwrap();
        let (s, t) = (
            j["start"].as_u64().unwrap() as usize,
            j["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&src[s..t], j["text"].as_str().unwrap(), "{j}");
    }
    json!({
        "meta": article.meta(),
        "sentences": a.sentences.len(),
        "entities": a.entities,
        "document": {"label": a.sentiment.document.label, "score": a.sentiment.document.score},
        "sentence_labels": a.sentences.iter().map(|s| s.sentiment.label).collect::<Vec<_>>(),
        "companies": a.sentiment.companies,
    })
}

#[test]
fn sample_articles_match_their_golden_files() {
    let analyzer = Analyzer::new().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(root.join("examples/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 3);
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatched = Vec::new();
    for path in paths {
        let src = std::fs::read_to_string(&path).unwrap();
        let got = summary(&analyzer, &src);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let golden = root.join("tests/golden").join(format!("{name}.json"));
        if update {
            let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
            std::fs::write(&golden, text).unwrap();
            continue;
        }
        let want: Value = serde_json::from_str(&std::fs::read_to_string(&golden).unwrap()).unwrap();
        if got != want {
            mismatched.push(name);
        }
    }
    assert!(
        mismatched.is_empty(),
        "golden mismatch for {mismatched:?}; run UPDATE_GOLDEN=1 cargo test --test golden and review the diff"
    );
}
