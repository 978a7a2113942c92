//! Tokens of our own sentences: exact surfaces, spans and features.

use ja_finnews::{Analyzer, Tokenizer};

fn surfaces(text: &str) -> Vec<String> {
    Tokenizer::new()
        .unwrap()
        .tokenize(text)
        .into_iter()
        .map(|t| t.text.into_owned())
        .collect()
}

#[test]
fn finance_names_are_single_tokens() {
    let s = surfaces("アリババの株価が上昇した");
    assert_eq!(s, ["アリババ", "の", "株価", "が", "上昇", "し", "た"]);
    let s = surfaces("ソフトバンクグループが転換社債を発行し、時価総額が膨らんだ");
    assert!(s.contains(&"ソフトバンクグループ".to_string()), "{s:?}");
    assert!(s.contains(&"転換社債".to_string()), "{s:?}");
    assert!(s.contains(&"時価総額".to_string()), "{s:?}");
    let s = surfaces("エヌビディアは自社株買いを発表");
    assert_eq!(s[0], "エヌビディア");
    assert!(s.contains(&"自社株買い".to_string()), "{s:?}");
}

#[test]
fn full_width_input_keeps_original_spans() {
    let text = "株価が８％上昇、ＮＹＳＥで";
    let tokens = Tokenizer::new().unwrap().tokenize(text);
    for t in &tokens {
        assert_eq!(&text[t.span.range()], t.text);
    }
    let eight = tokens
        .iter()
        .find(|t| t.text == "８")
        .expect("８ is a token");
    assert_eq!(eight.features.pos(), "名詞");
    assert_eq!(eight.features.pos_detail_1(), "数");
    assert_eq!(eight.span.start, "株価が".len());
    assert_eq!(eight.char_span.start, 3);
    assert!(tokens.iter().any(|t| t.text == "ＮＹＳＥ"));
}

#[test]
fn features_are_named_fields() {
    let tokens = Tokenizer::new().unwrap().tokenize("利益が上がった");
    let agatta = &tokens[2];
    assert_eq!(agatta.text, "上がっ");
    assert_eq!(agatta.features.pos(), "動詞");
    assert_eq!(agatta.features.base_form(), "上がる");
    assert_eq!(agatta.features.conjugation_type(), "五段・ラ行");
    assert_eq!(agatta.features.conjugation_form(), "連用タ接続");
    assert_eq!(agatta.features.reading(), "アガッ");
    assert_eq!(agatta.lemma(), "上がる");
    assert!(!agatta.unknown);
}

#[test]
fn features_serialize_by_name_and_read_back() {
    let tokens = Tokenizer::new().unwrap().tokenize("利益が上がった");
    let agatta = &tokens[2];
    let json = serde_json::to_value(&agatta.features).unwrap();
    assert_eq!(json["base_form"], "上がる");
    assert_eq!(json["conjugation_form"], "連用タ接続");
    assert_eq!(
        json.as_object().unwrap().len(),
        ja_finnews::FEATURE_NAMES.len()
    );
    let back: ja_finnews::Features = serde_json::from_value(json).unwrap();
    assert_eq!(back, agatta.features);
    assert_eq!(
        back.to_mecab(),
        "動詞,自立,*,*,五段・ラ行,連用タ接続,上がる,アガッ,アガッ"
    );
    assert_eq!(back.get(9), "*");
}

#[test]
fn tokens_stay_small() {
    // A 25 KB article has about 5,500 tokens; their size is most of an
    // analysis's memory and of the bytes the pipeline writes.
    assert!(std::mem::size_of::<ja_finnews::Token>() <= 80);
}

#[test]
fn unknown_words_are_flagged() {
    let tokens = Tokenizer::new().unwrap().tokenize("Zyxwvu社");
    assert!(tokens[0].unknown);
    assert_eq!(tokens[0].text, "Zyxwvu");
    assert_eq!(tokens[0].lemma(), "Zyxwvu");
}

#[test]
fn analyzers_share_one_dictionary_and_are_send_sync() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Analyzer>();
    let a = Analyzer::new().unwrap();
    let b = Analyzer::new().unwrap();
    // Both tokenizers point at the same loaded segmenter.
    assert_eq!(
        format!("{:?}", a.tokenizer()),
        format!("{:?}", b.tokenizer())
    );
    assert!(std::ptr::eq(
        a.tokenizer().dictionary_name(),
        b.tokenizer().dictionary_name()
    ));
    assert_eq!(a.tokenizer().dictionary_name(), "ipadic");
}

#[test]
fn empty_and_odd_input() {
    let a = Analyzer::new().unwrap();
    for text in ["", " ", "\u{FEFF}", "\r\n\r\n", "\0\u{1}", "👨‍👩‍👧‍👦😀", "　"]
    {
        let r = a.analyze(text);
        for t in &r.tokens {
            assert_eq!(&text[t.span.range()], t.text);
        }
    }
    assert!(a.analyze("").tokens.is_empty());
}

#[test]
fn user_dictionary_from_the_builder() {
    let dir = std::env::temp_dir().join(format!("ja-finnews-userdic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("user.csv");
    std::fs::write(
        &path,
        "# my words\nカブカブ証券,カスタム名詞,カブカブショウケン\n",
    )
    .unwrap();
    let a = Analyzer::builder().user_dictionary(&path).build().unwrap();
    let r = a.analyze("カブカブ証券の株価");
    assert_eq!(r.tokens[0].text, "カブカブ証券");
    // The embedded finance terms are still there.
    let r = a.analyze("転換社債");
    assert_eq!(r.tokens.len(), 1);
    let missing = Analyzer::builder()
        .user_dictionary(dir.join("missing.csv"))
        .build();
    assert!(missing.is_err());
}

#[test]
fn external_dictionary_directory() {
    let a = Analyzer::builder()
        .dictionary_path(ja_finnews::tokenize::BUILT_IPADIC_DIR)
        .build()
        .unwrap();
    let r = a.analyze("株価が上昇した");
    let surfaces: Vec<&str> = r.tokens.iter().map(|t| t.text.as_ref()).collect();
    assert_eq!(surfaces, ["株価", "が", "上昇", "し", "た"]);
    // Without the embedded finance user dictionary, IPADIC alone splits names.
    assert_ne!(a.analyze("アリババ").tokens.len(), 1);
    let err = Analyzer::builder()
        .dictionary_path("/nonexistent/dictionary")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ja_finnews::ErrorKind::Dictionary);
    assert!(err.to_string().contains("/nonexistent/dictionary"), "{err}");
}

#[test]
fn long_texts_tokenize_as_one_lattice_would() {
    // Long text is segmented in chunks; the tokens must be the ones plain
    // lindera gives for the whole text, with contiguous spans across chunk
    // ends (lines without 。 and a very long line included).
    let line = "トヨタ自動車の営業利益は前年比12%増の5兆円となり、株価は上昇した。";
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(line);
        if i % 7 == 0 {
            text.push('\n');
        }
        if i % 50 == 0 {
            text.push_str(&"あ".repeat(2000));
        }
    }
    let tokenizer = Tokenizer::new().unwrap();
    let tokens = tokenizer.tokenize(&text);
    assert!(text.len() > 50_000);
    assert_eq!(tokens.len(), tokenizer.raw_segment_count(&text));
    let mut covered = 0;
    for t in &tokens {
        assert_eq!(&text[t.span.range()], t.text);
        // Only the line breaks lindera drops lie between tokens.
        assert!(text[covered..t.span.start].chars().all(char::is_whitespace));
        covered = t.span.end;
    }
    assert_eq!(covered, text.trim_end().len());
}

#[test]
fn lattice_tokens_are_lindera_tokens_on_our_text() {
    // The tokenizer reads lindera's Viterbi lattice directly; lindera's
    // own segmenter must agree on every sentence we have, and on text with
    // whitespace, tabs, commas and sentences longer than lindera's cut.
    let t = Tokenizer::new().unwrap();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut texts: Vec<String> = Vec::new();
    for name in [
        "entity_cases.jsonl",
        "sentiment_news.jsonl",
        "sentiment_targets.jsonl",
    ] {
        let file = std::fs::read_to_string(format!("{data}/{name}")).unwrap();
        texts.extend(file.lines().map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        }));
    }
    let rules = std::fs::read_to_string(format!("{data}/sentiment_rules.tsv")).unwrap();
    texts.extend(
        rules
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split('\t').nth(2))
            .map(String::from),
    );
    let all = texts.join("\n");
    texts.push(all.clone());
    texts.push(all.replace(['。', '、', '\n'], " \t　"));
    texts.push("株価が上昇".repeat(4000));
    texts.push("  \t\n 　トヨタ　 \t".to_string());
    assert!(texts.len() > 1500);
    for text in &texts {
        let got = t.tokenize(text);
        let want = t.tokenize_via_segmenter(text);
        assert_eq!(got.len(), want.len(), "{text}");
        assert!(got == want, "{text}");
    }
}
