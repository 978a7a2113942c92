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
            Just(" \t ".to_string()),
            Just("、".to_string()),
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
    fn lattice_tokens_are_lindera_tokens(input in text_strategy()) {
        let t = ja_finnews::Tokenizer::new().unwrap();
        prop_assert_eq!(t.tokenize(&input), t.tokenize_via_segmenter(&input));
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any character-aligned target of any text gets a result; any other
    /// span gets an error, never a panic.
    #[test]
    fn targets_never_panic(input in text_strategy(), a in 0usize..64, b in 0usize..64) {
        let analyzer = Analyzer::new().unwrap();
        let bounds: Vec<usize> = input.char_indices().map(|(i, _)| i).chain([input.len()]).collect();
        let s = bounds[a % bounds.len()];
        let e = bounds[b % bounds.len()];
        let (s, e) = (s.min(e), s.max(e));
        let got = analyzer.sentiment_toward(&input, Span::new(s, e));
        prop_assert!(got.is_ok());
        let sentiment = got.unwrap();
        prop_assert!((-1.0..=1.0).contains(&sentiment.score));
        for ev in &sentiment.evidence {
            prop_assert_eq!(&input[ev.span.range()], ev.text.as_ref());
        }
        prop_assert!(analyzer.sentiment_toward(&input, Span::new(e + 1, e)).is_err());
        // Several targets at once, in any order and overlapping, get one
        // result each.
        let spans = [Span::new(s, e), Span::new(0, s), Span::new(s, s), Span::new(0, input.len())];
        let all = analyzer.sentiment_toward_all(&input, &spans);
        prop_assert!(all.is_ok());
        let all = all.unwrap();
        prop_assert_eq!(all.len(), spans.len());
        for sentiment in &all {
            prop_assert!((-1.0..=1.0).contains(&sentiment.score));
            for ev in &sentiment.evidence {
                prop_assert_eq!(&input[ev.span.range()], ev.text.as_ref());
            }
        }
    }
}
