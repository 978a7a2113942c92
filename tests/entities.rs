//! Entity extraction, table-driven: `tests/data/entity_cases.jsonl` holds our
//! own sentences with every entity they contain (the format of
//! `score.py entities`); each case must come out exactly, with no extras.

use ja_finnews::{Analyzer, Entity, EntityValue};
use serde_json::Value;

const SCORED: &[&str] = &["money", "percent", "ticker", "model", "company"];

fn kind_name(e: &Entity<'_>) -> String {
    serde_json::to_value(e.kind())
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

fn same_decimal(a: Option<&str>, b: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim_start_matches('+');
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    a.is_some_and(|a| norm(a) == norm(b))
}

fn fields_ok(exp: &Value, e: &Entity<'_>) -> bool {
    match &e.value {
        EntityValue::Money(m) => {
            let values = [m.amount, m.min, m.max].map(|v| v.map(|d| d.to_string()));
            let values = values.each_ref().map(Option::as_deref);
            let has = |v: &Value| {
                v.as_str()
                    .is_none_or(|v| values.iter().any(|x| same_decimal(*x, v)))
            };
            has(&exp["value"])
                && has(&exp["value2"])
                && exp["currency"].as_str().is_none_or(|c| c == m.currency)
                && (!exp["approximate"].as_bool().unwrap_or(false) || m.approximate)
        }
        EntityValue::Percent(p) => {
            same_decimal(
                p.value.map(|d| d.to_string()).as_deref(),
                exp["value"].as_str().unwrap_or("?"),
            ) && exp["unit"].as_str().is_none_or(|u| u == p.unit)
                && exp
                    .get("direction")
                    .is_none_or(|d| serde_json::to_value(p.direction).unwrap() == *d)
        }
        EntityValue::Ticker(t) => {
            let sym = |s: &str| s.trim_start_matches('0').to_ascii_uppercase();
            exp["symbol"]
                .as_str()
                .is_some_and(|s| sym(s) == sym(&t.symbol))
                && exp["exchange"].as_str() == Some(&*t.exchange)
        }
        EntityValue::Model(m) => exp["family"]
            .as_str()
            .is_some_and(|f| f.eq_ignore_ascii_case(&m.family)),
        _ => true,
    }
}

#[test]
fn entity_case_table() {
    let analyzer = Analyzer::new().unwrap();
    let cases = include_str!("data/entity_cases.jsonl");
    let mut failures = Vec::new();
    let mut count = 0;
    for line in cases.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let text = case["text"].as_str().unwrap();
        let analysis = analyzer.analyze(text);
        let got: Vec<&Entity<'_>> = analysis
            .entities
            .iter()
            .filter(|e| SCORED.contains(&kind_name(e).as_str()))
            .collect();
        for e in &got {
            assert_eq!(&text[e.span.range()], e.text, "span of {e:?}");
        }
        let mut used = vec![false; got.len()];
        for exp in case["expect"].as_array().unwrap() {
            count += 1;
            let exp_text = exp["text"].as_str().unwrap();
            let hit = got.iter().enumerate().position(|(i, g)| {
                !used[i]
                    && kind_name(g) == exp["kind"].as_str().unwrap()
                    && (g.text.contains(exp_text) || exp_text.contains(g.text.as_ref()))
                    && fields_ok(exp, g)
            });
            match hit {
                Some(i) => used[i] = true,
                None => failures.push(format!("MISS {text} {exp}")),
            }
        }
        for (i, g) in got.iter().enumerate() {
            if !used[i] {
                failures.push(format!("EXTRA {text} {} {:?}", g.text, g.value));
            }
        }
    }
    assert!(count >= 250, "{count} expectations");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn values_are_exact_and_linked() {
    let a = Analyzer::new().unwrap();
    let text = "アリババ（NYSE: BABA、SEHK: 9988）は約530億ドル（約7兆8200億円）を投じる。";
    let r = a.analyze(text);
    let json = serde_json::to_value(&r.entities).unwrap();
    let tickers: Vec<&Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "ticker")
        .collect();
    assert_eq!(tickers.len(), 2);
    assert_eq!(tickers[0]["symbol"], "BABA");
    assert_eq!(tickers[0]["mic"], "XNYS");
    assert_eq!(tickers[1]["exchange"], "HKEX");
    assert!(tickers.iter().all(|t| t["company"] == "alibaba"));
    let money: Vec<&Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "money")
        .collect();
    assert_eq!(money[0]["text"], "約530億ドル");
    assert_eq!(money[0]["amount"], "53000000000");
    assert_eq!(money[0]["approximate"], true);
    assert_eq!(money[1]["amount"], "7820000000000");
    assert_eq!(money[1]["currency"], "JPY");
    let first_index = json
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["text"] == "約530億ドル")
        .unwrap();
    assert_eq!(money[1]["equivalent_of"], first_index);
    assert_eq!(money[1]["implied_rate"], "147.5472");
}

#[test]
fn bounds_ranges_per_share_and_units() {
    let a = Analyzer::new().unwrap();
    let money = |text: &str| -> Vec<Value> {
        serde_json::to_value(&a.analyze(text).entities)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "money")
            .cloned()
            .collect()
    };
    let m = money("受注額は500億円超となった。");
    assert_eq!(m[0]["min"], "50000000000");
    assert_eq!(m[0]["bound"], "over");
    let m = money("調達額は100億～200億円の見通し。");
    assert_eq!(
        (m[0]["min"].as_str(), m[0]["max"].as_str()),
        (Some("10000000000"), Some("20000000000"))
    );
    let m = money("1株当たり配当は年間60円とする。");
    assert_eq!(m[0]["per_share"], true);
    let m = money("（単位：百万円）\n営業利益\n185,000\n▲12,400\n");
    assert_eq!(m.len(), 2);
    assert_eq!(m[0]["amount"], "185000000000");
    assert_eq!(m[1]["amount"], "-12400000000");
    let m = money(&("9".repeat(10_000) + "兆円"));
    assert!(m[0].get("amount").is_none());
    assert!(m[0]["reason"].as_str().unwrap().contains("too large"));
    assert!(money("元社長が語った。元本割れ。").is_empty());
}

#[test]
fn changes_and_periods() {
    let a = Analyzer::new().unwrap();
    let text = "トヨタ自動車は2026年3月期の目標株価を3,000円から3,500円に引き上げた。第2四半期の株価は8%上昇した。";
    let json = serde_json::to_value(&a.analyze(text).entities).unwrap();
    let all = json.as_array().unwrap();
    let change = all
        .iter()
        .find(|e| e["kind"] == "change" && e["from"].is_string())
        .unwrap();
    assert_eq!(change["from"], "3000");
    assert_eq!(change["to"], "3500");
    assert_eq!(change["direction"], "up");
    assert_eq!(change["subject"], "toyota");
    let period = all.iter().find(|e| e["kind"] == "period").unwrap();
    assert_eq!(period["fiscal_year"], 2026);
    assert_eq!(period["period"], "FY");
    assert_eq!(period["period_end"], "2026-03");
    assert_eq!(
        &text[period["start"].as_u64().unwrap() as usize..period["end"].as_u64().unwrap() as usize],
        "2026年3月期"
    );
    assert!(
        all.iter()
            .any(|e| e["kind"] == "period" && e["period"] == "Q2")
    );
    let moved = all
        .iter()
        .find(|e| e["kind"] == "change" && e["size"] == "8")
        .unwrap();
    assert_eq!(moved["direction"], "up");
}

/// The changes and percents found in `text`, as `(text, description)`.
fn moves_and_percents(text: &str) -> Vec<(String, String)> {
    let analyzer = Analyzer::new().unwrap();
    analyzer
        .analyze(text)
        .entities
        .iter()
        .filter_map(|e| {
            let described = match &e.value {
                EntityValue::Change(c) => format!(
                    "change {:?} {:?}",
                    c.direction,
                    c.size.map(|s| s.to_string())
                ),
                EntityValue::Percent(p) => format!(
                    "percent {:?} {:?}",
                    p.direction,
                    p.value.map(|v| v.to_string())
                ),
                _ => return None,
            };
            Some((e.text.to_string(), described))
        })
        .collect()
}

#[test]
fn index_point_moves_and_moves_after_asides() {
    // An index moves in index points (a change, not percentage points); a
    // predicate after a bracketed aside gives the figure before it its direction.
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "TOPIXは前日比12.53ポイント高、完全失業率は0.2ポイント低下した。",
            &[
                ("12.53ポイント高", r#"change Up Some("12.53")"#),
                ("0.2ポイント", r#"percent Some(Down) Some("0.2")"#),
                ("0.2ポイント低下", r#"change Down Some("0.2")"#),
            ],
        ),
        (
            "東証株価指数（TOPIX）は21.47ポイント（0.6％）高の3541.02だった。",
            &[
                ("21.47ポイント", r#"change Up Some("21.47")"#),
                ("0.6％", r#"percent Some(Up) Some("0.6")"#),
                ("0.6％", r#"change Up Some("0.6")"#),
            ],
        ),
    ];
    for (text, expected) in cases {
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(t, d)| (t.to_string(), d.to_string()))
            .collect();
        assert_eq!(moves_and_percents(text), expected, "{text}");
    }
}

#[test]
fn a_legal_form_at_the_end_of_the_text_is_no_name() {
    // 株式会社 as the last token once indexed past the token list.
    let a = Analyzer::new().unwrap();
    for text in ["株式会社", "新会社の商号は株式会社", "（株）", "合同会社"] {
        let r = a.analyze(text);
        assert!(
            r.entities.iter().all(|e| kind_name(e) != "company"),
            "{text}: {:?}",
            r.entities
        );
    }
}

#[test]
fn long_repetitive_inputs_keep_their_first_reading() {
    // Inputs whose pieces once made extractors rescan the rest of the text
    // at every piece; large enough that a quadratic pass would not finish
    // in a test run, and each must still give exactly what it contains.
    let a = Analyzer::new().unwrap();
    let models = "Qwen3-".repeat(20_000);
    let r = a.analyze(&models);
    let found: Vec<(String, usize)> = r
        .entities
        .iter()
        .map(|e| (kind_name(e), e.span.len()))
        .collect();
    assert_eq!(found, [("model".to_string(), models.len() - 1)]);

    let tickers = ",NYSE: BABA".repeat(10_000);
    let r = a.analyze(&tickers);
    assert_eq!(r.entities.len(), 10_000);
    assert!(r.entities.iter().all(|e| kind_name(e) == "ticker"));

    // A bracket after every percentage: each is one percentage.
    let percents = "8%(".repeat(20_000);
    let r = a.analyze(&percents);
    assert_eq!(r.entities.len(), 20_000);
    assert!(r.entities.iter().all(|e| kind_name(e) == "percent"));

    // Unclosed brackets after amounts: no figure, no cue, no tickers.
    let brackets = "割百万円（三".repeat(10_000) + &"（※(".repeat(10_000);
    let r = a.analyze(&brackets);
    assert!(r.entities.iter().all(|e| kind_name(e) != "ticker"));
    assert_eq!(r.sentiment.document.score, 0.0);
}
