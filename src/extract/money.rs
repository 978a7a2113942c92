//! Monetary amounts: a number from the number engine with a currency in
//! money position (`530億ドル`, `US$5 billion`, `100億元`), qualifiers
//! (`約`, `超`, `以上`, `未満`, `以下`, `程度`), ranges (`100億～200億円`),
//! `1株当たり` amounts, and `（単位：百万円）` notes for the table cells that
//! follow.

use std::borrow::Cow;

use once_cell::sync::Lazy;

use super::company::is_katakana;
use super::number::{Decimal, ParsedNumber};
use super::words::WordIndex;
use super::{Bound, Context, EntityValue, Found, MARKS, MoneyValue};
use crate::span::Span;

/// Currency words after a number, longest first within shared prefixes.
const CURRENCY_WORDS: &[(&str, &str)] = &[
    ("米ドル", "USD"),
    ("香港ドル", "HKD"),
    ("新台湾ドル", "TWD"),
    ("台湾ドル", "TWD"),
    ("豪ドル", "AUD"),
    ("豪州ドル", "AUD"),
    ("カナダドル", "CAD"),
    ("シンガポールドル", "SGD"),
    ("NZドル", "NZD"),
    ("ニュージーランドドル", "NZD"),
    ("ドル", "USD"),
    ("ユーロ", "EUR"),
    ("人民元", "CNY"),
    ("元", "CNY"),
    ("円", "JPY"),
    ("英ポンド", "GBP"),
    ("ポンド", "GBP"),
    ("ウォン", "KRW"),
    ("スイスフラン", "CHF"),
    ("インドルピー", "INR"),
    ("ルピー", "INR"),
    ("インドネシアルピア", "IDR"),
    ("タイバーツ", "THB"),
    ("マレーシアリンギット", "MYR"),
    ("ベトナムドン", "VND"),
    ("ロシアルーブル", "RUB"),
    ("ブラジルレアル", "BRL"),
    ("韓国ウォン", "KRW"),
    ("中国人民元", "CNY"),
    ("ルーブル", "RUB"),
    ("レアル", "BRL"),
    ("バーツ", "THB"),
    ("リンギット", "MYR"),
    ("リンギ", "MYR"),
    ("ドン", "VND"),
    ("ルピア", "IDR"),
    ("メキシコペソ", "MXN"),
    ("フィリピンペソ", "PHP"),
    ("チリペソ", "CLP"),
    ("コロンビアペソ", "COP"),
    ("アルゼンチンペソ", "ARS"),
    ("ペソ", "MXN"),
    ("トルコリラ", "TRY"),
    ("リラ", "TRY"),
    ("ランド", "ZAR"),
    // Hundredths of a yen (スプレッドは0.18銭); 円 and 銭 together are read
    // as one amount before this.
    ("銭", "JPY"),
    ("南アフリカランド", "ZAR"),
    ("南アランド", "ZAR"),
    ("スウェーデンクローナ", "SEK"),
    ("ノルウェークローネ", "NOK"),
    ("デンマーククローネ", "DKK"),
    ("ズロチ", "PLN"),
    ("サウジアラビアリヤル", "SAR"),
    ("サウジリヤル", "SAR"),
    ("UAEディルハム", "AED"),
    ("ディルハム", "AED"),
    ("シェケル", "ILS"),
];

/// ISO codes written after a number (`500 USD`) or before it (`USD 500`).
const ISO_CODES: &[&str] = &[
    "USD", "JPY", "EUR", "CNY", "RMB", "HKD", "GBP", "KRW", "TWD", "AUD", "CAD", "CHF", "INR",
    "SGD", "NZD", "VND", "MYR", "THB", "IDR", "MXN", "BRL", "PHP", "TRY", "ZAR", "SEK", "NOK",
    "DKK", "PLN", "SAR", "AED", "ILS", "RUB", "CLP", "COP", "ARS",
];

/// Currency symbols before a number, longest first.
const SYMBOLS: &[(&str, &str)] = &[
    ("US$", "USD"),
    ("HK$", "HKD"),
    ("NT$", "TWD"),
    ("A$", "AUD"),
    ("C$", "CAD"),
    ("S$", "SGD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₩", "KRW"),
    ("￥", "JPY"),
];

/// English scale words after a symbol amount (`$5 billion`).
const SCALE_WORDS: &[(&str, u32)] = &[
    (" trillion", 12),
    (" billion", 9),
    (" million", 6),
    ("trillion", 12),
    ("billion", 9),
    ("million", 6),
    ("bn", 9),
    ("mn", 6),
];

/// Whether `text[from..to]` is one range mark (`～`).
fn one_range_mark(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to)
        .is_some_and(|mark| mark.chars().count() == 1 && mark.starts_with(RANGE_MARKS))
}

/// Where `word` ends when it follows `at`.
fn word_end(text: &str, at: usize, word: char) -> Option<usize> {
    text.get(at..)?
        .starts_with(word)
        .then_some(at + word.len_utf8())
}

/// A figure's value in sen: a whole number below 100.
fn sen_of(n: &ParsedNumber) -> Option<Decimal> {
    n.value.ok().filter(|v| {
        v.is_integer() && v.cmp_value(Decimal::from_int(100)) == Some(std::cmp::Ordering::Less)
    })
}

/// `～155円01銭` at `at`, from its two figures (the first of `numbers`): the
/// amount in yen and where it ends.
fn yen_sen_after_mark(text: &str, at: usize, numbers: &[ParsedNumber]) -> Option<(Decimal, usize)> {
    let [yen, sen, ..] = numbers else {
        return None;
    };
    if !one_range_mark(text, at, yen.start) || word_end(text, yen.end, '円')? != sen.start {
        return None;
    }
    let end = word_end(text, sen.end, '銭')?;
    let high = yen
        .value
        .ok()?
        .checked_add(sen_of(sen)?.scaled_down(2))
        .ok()?;
    Some((high, end))
}

/// `12～13銭` right after a yen figure: the two sen (each a whole number
/// below 100) and where the 銭 ends.
fn sen_range(
    text: &str,
    low: &ParsedNumber,
    high: Option<&ParsedNumber>,
) -> Option<(Decimal, Decimal, usize)> {
    let high = high?;
    if !one_range_mark(text, low.end, high.start) {
        return None;
    }
    let end = word_end(text, high.end, '銭')?;
    Some((sen_of(low)?, sen_of(high)?, end))
}

const APPROX_BEFORE: &[&str] = &["約", "およそ", "概算で", "概算", "ほぼ", "推定"];
const APPROX_AFTER: &[&str] = &[
    // 4兆円台, 150円台: somewhere in that range.
    "台",
    "の規模",
    "程度",
    "前後",
    "規模",
    "近く",
    "近辺",
    "ほど",
    "余り",
    "あまり",
    "強",
    "弱",
];
const BOUND_AFTER: &[(&str, Bound)] = &[
    ("超", Bound::Over),
    ("以上", Bound::AtLeast),
    ("未満", Bound::Under),
    ("以下", Bound::AtMost),
];
const BOUND_BEFORE: &[(&str, Bound)] = &[
    ("最大", Bound::AtMost),
    ("最低", Bound::AtLeast),
    ("最高", Bound::AtMost),
];
const RANGE_MARKS: &[char] = &['～', '〜', '~'];
/// What makes `XからY` a range rather than a move from X to Y.
const RANGE_TAILS: &[&str] = &["の範囲", "の間", "のレンジ", "の幅", "程度", "規模"];
/// Whether what follows `XからY` makes it a range: a word of extent (の範囲,
/// 程度), or までの before anything but a movement (3億ドルから5億ドルまでの資金,
/// not 100億円から120億円までの増加).
fn range_tail(after: &str) -> bool {
    const MOVES: &[&str] = &[
        "増",
        "減",
        "値上げ",
        "値下げ",
        "引き上げ",
        "引き下げ",
        "上昇",
        "下落",
        "拡大",
        "縮小",
        "改善",
        "悪化",
        "上方",
        "下方",
    ];
    RANGE_TAILS.iter().any(|t| after.starts_with(t))
        || after
            .strip_prefix("までの")
            .is_some_and(|rest| !MOVES.iter().any(|m| rest.starts_with(m)))
}
const PER_SHARE: &[&str] = &[
    "1株当たり",
    "1株あたり",
    "一株当たり",
    "一株あたり",
    "1株につき",
    "1株当り",
];

static CURRENCY_FIRST: Lazy<WordIndex> =
    Lazy::new(|| WordIndex::by_first(CURRENCY_WORDS.iter().map(|(w, _)| *w)));
static ISO_FIRST: Lazy<WordIndex> = Lazy::new(|| WordIndex::by_first(ISO_CODES.iter().copied()));
static ISO_LAST: Lazy<WordIndex> = Lazy::new(|| WordIndex::by_last(ISO_CODES.iter().copied()));
static SYMBOL_LAST: Lazy<WordIndex> =
    Lazy::new(|| WordIndex::by_last(SYMBOLS.iter().map(|(w, _)| *w)));
static APPROX_BEFORE_LAST: Lazy<WordIndex> =
    Lazy::new(|| WordIndex::by_last(APPROX_BEFORE.iter().copied()));
static APPROX_AFTER_FIRST: Lazy<WordIndex> =
    Lazy::new(|| WordIndex::by_first(APPROX_AFTER.iter().copied()));
static BOUND_BEFORE_LAST: Lazy<WordIndex> =
    Lazy::new(|| WordIndex::by_last(BOUND_BEFORE.iter().map(|(w, _)| *w)));
static BOUND_AFTER_FIRST: Lazy<WordIndex> =
    Lazy::new(|| WordIndex::by_first(BOUND_AFTER.iter().map(|(w, _)| *w)));

fn currency_after(text: &str, pos: usize) -> Option<(usize, &'static str)> {
    let rest = &text[pos..];
    if let Some((word, code)) = CURRENCY_FIRST
        .prefixes_of(rest)
        .map(|i| CURRENCY_WORDS[i])
        .next()
    {
        // 元 only directly after a number, and not 元本/元金 (principal).
        if word == "元" && (rest[3..].starts_with('本') || rest[3..].starts_with('金')) {
            return None;
        }
        // ドン, ランド, リラ only as whole words (not ドンキ, ランドセル).
        if matches!(word, "ドン" | "ランド" | "リラ") && rest[word.len()..].starts_with(is_katakana)
        {
            return None;
        }
        return Some((pos + word.len(), code));
    }
    let trimmed = rest.trim_start_matches(' ');
    for code in ISO_FIRST.prefixes_of(trimmed).map(|i| ISO_CODES[i]) {
        if !trimmed[3..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            let iso = if code == "RMB" { "CNY" } else { code };
            return Some((pos + (rest.len() - trimmed.len()) + 3, iso));
        }
    }
    None
}

fn symbol_before(text: &str, pos: usize) -> Option<(usize, &'static str)> {
    let head = &text[..pos];
    if let Some((sym, code)) = SYMBOL_LAST.suffixes_of(head).map(|i| SYMBOLS[i]).next() {
        return Some((pos - sym.len(), code));
    }
    let trimmed = head.trim_end_matches(' ');
    for code in ISO_LAST.suffixes_of(trimmed).map(|i| ISO_CODES[i]) {
        if !trimmed[..trimmed.len() - 3].ends_with(|c: char| c.is_ascii_alphanumeric()) {
            let iso = if code == "RMB" { "CNY" } else { code };
            return Some((trimmed.len() - 3, iso));
        }
    }
    None
}

/// The peso of the country named earlier in the sentence (フィリピンの…300億ペソ
/// is PHP); the Mexican peso when none is.
fn peso_of(text: &str, pos: usize) -> &'static str {
    const PESOS: &[(&str, &str)] = &[
        ("フィリピン", "PHP"),
        ("チリ", "CLP"),
        ("アルゼンチン", "ARS"),
        ("コロンビア", "COP"),
        ("メキシコ", "MXN"),
    ];
    let window = super::window_before(text, pos, 150);
    let sentence = window.rsplit(['。', '\n']).next().unwrap_or(window);
    // The country named last before the amount.
    PESOS
        .iter()
        .filter_map(|(country, code)| sentence.rfind(country).map(|at| (at, *code)))
        .max_by_key(|&(at, _)| at)
        .map_or("MXN", |(_, code)| code)
}

/// Scale and currency of a `単位：百万円` note.
fn unit_note(text: &str, pos: usize) -> Option<(u32, &'static str)> {
    let rest = text[pos..].trim_start_matches([':', '：', ' ']);
    let (exp, rest) = if let Some(r) = rest.strip_prefix("百万") {
        (6, r)
    } else if let Some(r) = rest.strip_prefix("十億") {
        (9, r)
    } else if let Some(r) = rest.strip_prefix("千") {
        (3, r)
    } else if let Some(r) = rest.strip_prefix("億") {
        (8, r)
    } else if let Some(r) = rest.strip_prefix("万") {
        (4, r)
    } else {
        (0, rest)
    };
    let (_, code) = currency_after(rest, 0)?;
    Some((exp, code))
}

/// Words after `未満` that make it a rounding note.
const ROUNDING: &[&str] = &["切捨", "切り捨", "四捨五入", "切上", "切り上"];

/// The 単位 note (of `unit_notes`, by where `単位` starts) right after a
/// figure ending at `end`: blanks or an opening bracket between.
fn note_after(
    text: &str,
    unit_notes: &[(usize, u32, &'static str)],
    end: usize,
) -> Option<(u32, &'static str)> {
    let &(start, exp, code) = unit_notes.get(unit_notes.partition_point(|n| n.0 < end))?;
    // (Something must separate them: 700単位 is not a table cell.)
    let gap = text.get(end..start).filter(|g| !g.is_empty())?;
    let gap = gap.trim_matches(|c: char| c == ' ' || c == '\t');
    matches!(gap, "" | "(" | "（").then_some((exp, code))
}

/// The power of ten of a unit scale (`百万`) at `start..end`, when only one
/// or two blanks separate it from the figure ending at `figure_end`
/// (`△82　百万円`, a statement's table cell).
fn spaced_scale(text: &str, figure_end: usize, start: usize, end: usize) -> Option<u32> {
    let gap = text.get(figure_end..start)?;
    if gap.is_empty()
        || gap.chars().count() > 2
        || !gap.chars().all(|c| matches!(c, ' ' | '\u{3000}'))
    {
        return None;
    }
    match &text[start..end] {
        "千" => Some(3),
        "万" => Some(4),
        "百万" => Some(6),
        "千万" => Some(7),
        "億" => Some(8),
        "十億" => Some(9),
        _ => None,
    }
}

/// Scale and currency of a rounding note (`百万円未満切捨て`) whose `未満`
/// starts at `pos`.
fn rounding_note(text: &str, pos: usize) -> Option<(u32, &'static str)> {
    let after = &text[pos + "未満".len()..];
    if !ROUNDING.iter().any(|w| after.starts_with(w)) {
        return None;
    }
    let head = &text[..pos];
    let (word, code) = CURRENCY_WORDS.iter().find(|(w, _)| head.ends_with(w))?;
    let head = &head[..head.len() - word.len()];
    let exp = [("十億", 9), ("百万", 6), ("千", 3), ("億", 8), ("万", 4)]
        .iter()
        .find(|(scale, _)| head.ends_with(scale))
        .map(|&(_, exp)| exp)?;
    Some((exp, code))
}

/// The value of a number, with a big unit borrowed from the other end of a
/// range (`100～200億円`: 100 means 100億).
fn value_of(n: &ParsedNumber) -> Result<Decimal, String> {
    n.value.map_err(|e| e.to_string())
}

/// Whether a per-share marker precedes `pos` in the same clause.
fn per_share_before(text: &str, pos: usize) -> bool {
    let window = super::window_before(text, pos, 60);
    // Every marker has 株: one search rules most windows out.
    if !window.contains('株') {
        return false;
    }
    let clause = window.rsplit(['。', '\n']).next().unwrap_or(window);
    PER_SHARE.iter().any(|p| clause.contains(p))
}

/// A value, or why there is none.
fn value_or_reason(v: Result<Decimal, String>) -> (Option<Decimal>, Option<String>) {
    match v {
        Ok(d) => (Some(d), None),
        Err(reason) => (None, Some(reason)),
    }
}

pub(crate) fn extract(ctx: &Context<'_>, out: &mut Vec<Found>) {
    let text = ctx.text;
    let numbers = &ctx.numbers;
    // Positions where a 単位 note applies from, with its scale.
    // 単位：百万円, and rounding notes, which state the unit too
    // (（百万円未満切捨て）), in text order.
    let mut notes: Vec<(usize, u32, &'static str)> = Vec::new();
    // 単位 notes by where `単位` starts, for a figure written before its note
    // on the same line (売上高　12,345　（単位：百万円）).
    let mut unit_notes: Vec<(usize, u32, &'static str)> = Vec::new();
    for &(start, at, mark) in &ctx.names.marks {
        let note = match MARKS[mark] {
            "単位" => unit_note(text, at),
            "未満" => rounding_note(text, start),
            _ => continue,
        };
        if let Some((exp, code)) = note {
            notes.push((at, exp, code));
            if MARKS[mark] == "単位" {
                unit_notes.push((start, exp, code));
            }
        }
    }

    let mut i = 0;
    while i < numbers.len() {
        let n = numbers[i];
        i += 1;
        // The note itself (単位：百万円) is not an amount.
        // Notes are in text order: the one in force is the last before n.
        let note = notes[..notes.partition_point(|(at, _, _)| *at <= n.start)]
            .last()
            .copied();
        if note
            .is_some_and(|(at, _, _)| text[at..n.start].trim_matches([':', '：', ' ']).is_empty())
        {
            continue;
        }
        // 数十億円 is a vague quantity, not ten billion.
        if text[..n.start].ends_with('数') {
            continue;
        }
        // 一円 alone means throughout a region (関東一円), not one yen; 千円,
        // 百円 and 五円 are amounts.
        if &text[n.start..n.end] == "一" && !text[n.end..].starts_with("円玉") {
            continue;
        }
        let mut start = n.start;
        let mut end = n.end;
        let mut value = value_of(&n);
        let mut currency = None;
        let mut range_max: Option<Result<Decimal, String>> = None;

        if let Some((s, code)) = symbol_before(text, n.start) {
            currency = Some(code);
            start = s;
            for (word, exp) in SCALE_WORDS {
                if text[end..].starts_with(word)
                    && !text[end + word.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
                {
                    value = value.and_then(|v| v.shift(*exp).map_err(|e| e.to_string()));
                    end += word.len();
                    break;
                }
            }
        } else if let Some((e, code)) = currency_after(text, end) {
            currency = Some(code);
            end = e;
            if text[..end].ends_with('銭') {
                value = value.map(|v| v.scaled_down(2));
            }
            if let Some(&next) = numbers.get(i)
                && next.start >= end
                && next.start - end <= "から".len()
            {
                let gap = &text[end..next.start];
                if code == "JPY"
                    && gap.is_empty()
                    && text[next.end..].starts_with('銭')
                    && let Ok(sen) = next.value
                    && sen.is_integer()
                    && sen.cmp_value(Decimal::from_int(100)) == Some(std::cmp::Ordering::Less)
                    && text[..end].ends_with('円')
                {
                    // 158円32銭: sen are hundredths of a yen.
                    value = value
                        .and_then(|v| v.checked_add(sen.scaled_down(2)).map_err(|e| e.to_string()));
                    end = next.end + '銭'.len_utf8();
                    i += 1;
                    // 154円98銭～155円01銭: a quote's range of two such figures.
                    if let Some((high, e)) = yen_sen_after_mark(text, end, &numbers[i..]) {
                        range_max = Some(Ok(high));
                        end = e;
                        i += 2;
                    }
                } else if code == "JPY"
                    && gap.is_empty()
                    && text[..end].ends_with('円')
                    && let Some((low, high, e)) = sen_range(text, &next, numbers.get(i + 1))
                {
                    // 155円12～13銭: a quote's range in sen of one yen figure.
                    let yen = value;
                    value = yen
                        .clone()
                        .and_then(|v| v.checked_add(low.scaled_down(2)).map_err(|e| e.to_string()));
                    range_max = Some(yen.and_then(|v| {
                        v.checked_add(high.scaled_down(2))
                            .map_err(|e| e.to_string())
                    }));
                    end = e;
                    i += 2;
                } else if (gap == "から"
                    || gap.chars().count() == 1 && gap.starts_with(RANGE_MARKS))
                    && let Some((e2, code2)) = currency_after(text, next.end)
                    && code2 == code
                    && (gap != "から" || range_tail(&text[e2..]))
                {
                    // 50億ドル～70億ドル, 50億ドルから70億ドルの範囲: one range
                    // (not 3,000円から3,500円に引き上げ, a change).
                    range_max = Some(value_of(&next));
                    end = e2;
                    i += 1;
                }
            }
        } else if let Some(&next) = numbers.get(i)
            && (text[n.end..].starts_with(RANGE_MARKS)
                // 100-200億円: a hyphen between two figures in digits.
                || text[n.end..].starts_with('-')
                    && text[n.start..].starts_with(|c: char| c.is_ascii_digit())
                    && text[next.start..].starts_with(|c: char| c.is_ascii_digit()))
            && text[n.end..next.start].chars().count() == 1
            && let Some((e, code)) = currency_after(text, next.end)
        {
            // 100億～200億円, 3,000～3,500円, 3,000-3,500円
            let mut low = value_of(&n);
            if !n.has_big_unit && next.has_big_unit {
                // 100～200億円: the unit of the upper end applies to both.
                let big = text[..next.end].chars().next_back().and_then(|c| match c {
                    '万' => Some(4),
                    '億' => Some(8),
                    '兆' => Some(12),
                    _ => None,
                });
                if let Some(exp) = big {
                    low = low.and_then(|v| v.shift(exp).map_err(|e| e.to_string()));
                }
            }
            value = low;
            range_max = Some(value_of(&next));
            currency = Some(code);
            end = e;
            i += 1;
        } else if let Some(&next) = numbers.get(i)
            && !n.kanji_only
            && let Some(exp) = spaced_scale(text, n.end, next.start, next.end)
            && let Some((e, code)) = currency_after(text, next.end)
        {
            // 経常利益　△82　百万円: a table cell with its unit spaced off.
            value = value.and_then(|v| v.shift(exp).map_err(|e| e.to_string()));
            currency = Some(code);
            end = e;
            i += 1;
        } else if let Some((exp, code)) = note_after(text, &unit_notes, n.end)
            && (n.arabic || n.value.is_ok_and(|v| !v.is_zero()))
            && !n.kanji_only
        {
            // 売上高　12,345　（単位：百万円）: the note right after the figure.
            currency = Some(code);
            value = value.and_then(|v| v.shift(exp).map_err(|e| e.to_string()));
        } else if let Some((at, exp, code)) = note {
            // A table cell under a 単位 note: the number alone on its line,
            // however much blank padding there is around it, or a bare figure
            // later on the note's own line (（単位：百万円）売上高 48,210、…).
            let alone = alone_on_line(text, n.start, n.end)
                || (!text[at..n.start].contains('\n') && bare_figure_end(text, n.end));
            if alone
                && (n.arabic
                    || text[..n.start].ends_with(['▲', '△'])
                    || n.value.is_ok_and(|v| !v.is_zero()))
            {
                currency = Some(code);
                value = value.and_then(|v| v.shift(exp).map_err(|e| e.to_string()));
            }
        }
        let Some(mut currency) = currency else {
            continue;
        };
        // 87銭5厘, 2銭5厘: thousandths of a yen after the sen.
        if text[..end].ends_with('銭')
            && let Some(&next) = numbers.get(i)
            && next.start == end
            && text[next.end..].starts_with('厘')
            && let Ok(rin) = next.value
            && rin.is_integer()
            && rin.cmp_value(Decimal::from_int(10)) == Some(std::cmp::Ordering::Less)
        {
            value =
                value.and_then(|v| v.checked_add(rin.scaled_down(3)).map_err(|e| e.to_string()));
            end = next.end + '厘'.len_utf8();
            i += 1;
        }
        // 100円ショップ names a kind of shop.
        if text[end..].starts_with("ショップ") {
            continue;
        }
        if currency == "MXN"
            && text[..end].ends_with("ペソ")
            && !text[..end].ends_with("メキシコペソ")
        {
            currency = peso_of(text, start);
        }
        // A currency must not be followed by more kana/kanji of a word (円高 is fine: price move).
        let mut approximate = false;
        let mut bound = None;
        if let Some(i) = APPROX_BEFORE_LAST.suffixes_of(&text[..start]).next() {
            approximate = true;
            start -= APPROX_BEFORE[i].len();
        }
        if let Some((w, b)) = BOUND_BEFORE_LAST
            .suffixes_of(&text[..start])
            .map(|i| BOUND_BEFORE[i])
            .next()
        {
            bound = Some(b);
            start -= w.len();
        }
        if let Some((w, b)) = BOUND_AFTER_FIRST
            .prefixes_of(&text[end..])
            .map(|i| BOUND_AFTER[i])
            .next()
        {
            bound = Some(b);
            end += w.len();
        }
        // 百万円未満切捨て: a rounding note, not an amount.
        if bound.is_some() && ROUNDING.iter().any(|w| text[end..].starts_with(w)) {
            continue;
        }
        if let Some(i) = APPROX_AFTER_FIRST.prefixes_of(&text[end..]).next()
            // 円台湾: 台湾 starts the next word.
            && !(APPROX_AFTER[i] == "台" && text[end + 3..].starts_with('湾'))
        {
            approximate = true;
            end += APPROX_AFTER[i].len();
        }
        // マイナス23億円 (a loss written out), 純損益は-30億円; プラス41億円
        // keeps its value.
        if let Some((at, negative)) = super::number::sign_before(text, start) {
            if negative {
                value = value.map(|v| v.negated());
            }
            start = at;
        }
        let per_share = per_share_before(text, start);
        let mut money = MoneyValue {
            currency: Cow::Borrowed(currency),
            approximate,
            per_share,
            bound,
            ..MoneyValue::default()
        };
        match (range_max, bound) {
            (Some(max), _) => {
                let (lo, r1) = value_or_reason(value);
                let (hi, r2) = value_or_reason(max);
                money.min = lo;
                money.max = hi;
                money.reason = r1.or(r2);
                money.bound = None;
            }
            (None, Some(Bound::Over | Bound::AtLeast)) => {
                (money.min, money.reason) = value_or_reason(value)
            }
            (None, Some(Bound::Under | Bound::AtMost)) => {
                (money.max, money.reason) = value_or_reason(value)
            }
            (None, None) => (money.amount, money.reason) = value_or_reason(value),
        }
        out.push(Found::found(
            Span::new(start, end),
            EntityValue::Money(money),
        ));
    }
}

/// Whether a figure ending at `end` is bare: nothing after it but a
/// particle or separator, a bracket (売上高 2,345（前期比 +5.6%）) or the end of the line
/// (no unit, no 年, no %).
fn bare_figure_end(text: &str, end: usize) -> bool {
    let after = &text[end..];
    // A particle (営業利益3,800に据え置いた, △123,456を計上; から and まで
    // whole, as か alone starts a count: 3か月).
    after.starts_with("から")
        || after.starts_with("まで")
        || after.chars().next().is_none_or(|c| {
            matches!(
                c,
                // (当期純利益は▲4,321だった / で / と)
                'だ' | 'で'
                    | 'と'
                    | 'に'
                    | 'を'
                    | 'の'
                    | 'は'
                    | 'が'
                    | 'も'
                    | 'へ'
                    | '、'
                    | ','
                    | '，'
                    | '。'
                    | ' '
                    | '\t'
                    | '\n'
                    | '\r'
                    | ')'
                    | '）'
                    | '('
                    | '（'
                    | '|'
                    | '/'
                    | '／'
            )
        })
}

/// Whether `text[start..end]` is alone on its line: only spaces between it
/// and the line breaks (or text ends) on either side.
fn alone_on_line(text: &str, start: usize, end: usize) -> bool {
    let blank = |c: char| c.is_whitespace() && c != '\n';
    let before = text[..start].trim_end_matches(blank);
    let after = text[end..].trim_start_matches(blank);
    (before.is_empty() || before.ends_with('\n')) && (after.is_empty() || after.starts_with('\n'))
}

/// Links `X（約Y円）` conversions once entities are in their final order:
/// the amount in brackets right after another amount converts it.
pub(crate) fn link_equivalents(text: &str, entities: &mut [Found]) {
    let mut last_money: Option<(usize, usize)> = None; // (index, end)
    for i in 0..entities.len() {
        let (span, is_money) = (
            entities[i].span,
            matches!(entities[i].value, EntityValue::Money(_)),
        );
        if !is_money {
            continue;
        }
        if let Some((j, end)) = last_money
            && span.start > end
            && matches!(
                text[end..span.start].trim(),
                "(" | "(約" | "(およそ" | "（" | "（約" | "（およそ" | "="
            )
            && text[end..span.start].trim().starts_with(['(', '（', '='])
        {
            let base = match &entities[j].value {
                EntityValue::Money(m) => m.amount.or(m.min),
                _ => None,
            };
            if let EntityValue::Money(m) = &mut entities[i].value {
                m.equivalent_of = Some(j);
                m.implied_rate = m
                    .amount
                    .or(m.min)
                    .zip(base)
                    .and_then(|(a, b)| a.ratio(b, 4));
            }
        }
        last_money = Some((i, span.end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_are_alone_on_their_line() {
        let text = "売上高\n  1,234 \r\n営業利益 56\n78";
        let at = |n: &str| (text.find(n).unwrap(), text.find(n).unwrap() + n.len());
        let (s, e) = at("1,234");
        assert!(alone_on_line(text, s, e));
        let (s, e) = at("56");
        assert!(!alone_on_line(text, s, e));
        let (s, e) = at("78");
        assert!(alone_on_line(text, s, e));
        // Right-aligned cells keep their padding, however wide.
        let padded = format!("売上高\n{}120\n", " ".repeat(40));
        let s = padded.find("120").unwrap();
        assert!(alone_on_line(&padded, s, s + 3));
        assert!(per_share_before("1株当たり配当は", "1株当たり配当は".len()));
        assert!(!per_share_before(
            "1株当たり配当。今期は",
            "1株当たり配当。今期は".len()
        ));
    }

    #[test]
    fn per_share_markers_have_the_prefilter_char() {
        assert!(PER_SHARE.iter().all(|p| p.contains('株')));
    }
}
