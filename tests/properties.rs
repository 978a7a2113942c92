//! Span invariants on arbitrary input.

use ja_finnews::{Analyzer, Article, Span};
use proptest::prelude::*;

fn check(input: &str, spans: impl Iterator<Item = (Span, String)>) -> Result<(), TestCaseError> {
    let mut last = 0;
    for (span, text) in spans {
        prop_assert!(span.start <= span.end && span.end <= input.len());
        prop_assert!(input.is_char_boundary(span.start) && input.is_char_boundary(span.end));
        prop_assert!(span.start >= last, "spans out of order");
        last = span.start;
        prop_assert_eq!(&input[span.range()], text.as_str());
    }
    Ok(())
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Mix Japanese, full-width forms, Markdown and control characters.
    prop::collection::vec(
        prop_oneof![
            Just("株価が".to_string()),
            Just("８％".to_string()),
            Just("ＮＹＳＥ：ＢＡＢＡ".to_string()),
            Just("。".to_string()),
            Just("「".to_string()),
            Just("」".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("**".to_string()),
            Just("# ".to_string()),
            Just("---\n".to_string()),
            Just("`".to_string()),
            Just("https://x.jp/".to_string()),
            Just("\u{3000}".to_string()),
            Just("&amp;".to_string()),
            "\\PC{0,6}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn plain_text_spans(input in text_strategy()) {
        let a = Analyzer::new().unwrap();
        let r = a.analyze(&input);
        check(&input, r.tokens.iter().map(|t| (t.span, t.text.to_string())))?;
        check(&input, r.sentences.iter().map(|s| (s.span, input[s.span.range()].to_string())))?;
        check(&input, r.entities.iter().map(|e| (e.span, e.text.to_string())))?;
        for t in &r.tokens {
            prop_assert_eq!(input[..t.span.start].chars().count(), t.char_span.start);
        }
    }

    #[test]
    fn article_spans(input in text_strategy()) {
        let a = Analyzer::new().unwrap();
        if let Ok(article) = Article::parse(&input) {
            let r = a.analyze_article(&article);
            check(&input, r.tokens.iter().map(|t| (t.span, t.text.to_string())))?;
            check(&input, r.sentences.iter().map(|s| (s.span, input[s.span.range()].to_string())))?;
            check(&input, r.entities.iter().map(|e| (e.span, e.text.to_string())))?;
        }
    }
}
