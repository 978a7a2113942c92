//! Front matter and Markdown bodies.

use ja_finnews::{Analyzer, Article, ErrorKind};

#[test]
fn yaml_front_matter() {
    let src = "---\ntitle: \"**決算速報**\"\ndate: 2025-09-12 02:00:45 +0000\ntags: [\"AI\", \"決算\"]\ncategories: 企業\nreading_time: 8\n---\n\n本文です。\n";
    let a = Article::parse(src).unwrap();
    let m = a.meta();
    assert_eq!(m.title.as_deref(), Some("決算速報"));
    assert_eq!(m.date.as_deref(), Some("2025-09-12T02:00:45Z"));
    assert_eq!(m.tags, ["AI", "決算"]);
    assert_eq!(m.categories, ["企業"]);
    assert_eq!(m.extra["reading_time"], 8);
    assert_eq!(&src[a.body_span().range()], "\n本文です。\n");
    assert_eq!(a.text(), "本文です。\n");
}

#[test]
fn toml_front_matter() {
    let src = "+++\ntitle = \"決算\"\ntags = [\"半導体\"]\ndate = \"2025-01-02\"\n+++\n本文。";
    let a = Article::parse(src).unwrap();
    assert_eq!(a.meta().title.as_deref(), Some("決算"));
    assert_eq!(a.meta().tags, ["半導体"]);
    assert_eq!(a.meta().date.as_deref(), Some("2025-01-02"));
    assert_eq!(a.text(), "本文。\n");
}

#[test]
fn no_front_matter_is_all_body() {
    let src = "株価が上昇。\n---\n次";
    let a = Article::parse(src).unwrap();
    assert_eq!(a.meta(), &Default::default());
    assert_eq!(a.body_span().start, 0);
}

#[test]
fn unclosed_front_matter_is_an_error() {
    let err = Article::parse("---\ntitle: x\n本文").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::FrontMatter);
    assert!(err.to_string().contains("never closed"), "{err}");
    let err = Article::parse("---\n: [\n---\n").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::FrontMatter);
    let err = Article::parse("---\n- a\n- b\n---\n").unwrap_err();
    assert!(err.to_string().contains("mapping"), "{err}");
}

#[test]
fn bom_and_crlf() {
    let src = "\u{FEFF}---\r\ntitle: 題\r\n---\r\n**アリババ**の株価が上昇。\r\n";
    let a = Article::parse(src).unwrap();
    assert_eq!(a.meta().title.as_deref(), Some("題"));
    let analysis = Analyzer::new().unwrap().analyze_article(&a);
    let first = &analysis.tokens[0];
    assert_eq!(first.text, "アリババ");
    assert_eq!(&src[first.span.range()], "アリババ");
    for t in &analysis.tokens {
        assert_eq!(&src[t.span.range()], t.text);
    }
    assert_eq!(analysis.sentences.len(), 1);
    let s = analysis.sentences[0].span;
    assert_eq!(&src[s.range()], "アリババ**の株価が上昇。");
}

#[test]
fn markdown_is_not_text_but_spans_point_into_the_file() {
    let src = "# 見出しの株価\n\n- 項目は[リンク](https://example.com)\n\n```\nコード内の利益\n```\n\n`インライン`と画像![代替](x.png)\n";
    let a = Article::parse(src).unwrap();
    assert!(!a.text().contains("コード"));
    assert!(!a.text().contains("インライン"));
    assert!(!a.text().contains("example"));
    assert!(!a.text().contains("代替"));
    assert!(a.text().contains("見出しの株価"));
    assert!(a.text().contains("リンク"));
    let analysis = Analyzer::new().unwrap().analyze_article(&a);
    for t in &analysis.tokens {
        assert_eq!(&src[t.span.range()], t.text);
    }
    let heading = analysis.tokens.iter().find(|t| t.text == "見出し").unwrap();
    assert_eq!(heading.span.start, 2);
}

#[test]
fn seed_article_meta() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/articles/automaker_earnings.md"
    );
    let src = std::fs::read_to_string(path).unwrap();
    let a = Article::parse(&src).unwrap();
    assert_eq!(a.meta().date.as_deref(), Some("2025-11-05"));
    assert_eq!(a.meta().tags, ["自動車", "決算", "業績修正"]);
    assert!(!a.text().contains('|'), "table pipes are markup");
}

#[test]
fn bare_urls_of_both_schemes_are_left_out() {
    // Many URLs of one scheme and none of the other: each is left out, and
    // the words between them stay (a search per scheme once rescanned the
    // rest of the body at every URL).
    let src = "株価 http://x.jp/a と https://y.jp/b ".repeat(5_000);
    let a = Article::parse(&src).unwrap();
    assert!(!a.text().contains("http"));
    assert_eq!(a.text().matches("株価").count(), 5_000);
    let only_http = "株価 http://x.jp/a ".repeat(20_000);
    let a = Article::parse(&only_http).unwrap();
    assert!(!a.text().contains("x.jp"));
    assert_eq!(a.text().matches("株価").count(), 20_000);
}
