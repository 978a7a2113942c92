//! Companies: gazetteer aliases (one automaton) on token boundaries, plus
//! legal-form patterns (`株式会社X`, `Xホールディングス`, `X Inc.`) for companies
//! the gazetteer does not list.

use std::borrow::Cow;

use super::gazetteer::Gazetteer;
use super::{CompanyValue, Context, EntityValue, Found, ValueText};
use crate::span::{Span, SpanSet};

/// Suffix tokens that make the noun run before them a company name.
const LEGAL_SUFFIXES: &[&str] = &[
    "株式会社",
    "ホールディングス",
    "HD",
    "(株)",
    "（株）",
    "㈱",
    "有限会社",
    "合同会社",
];
/// Words that, at the end of a noun run, usually name a company (used for
/// `X（7203）` codes and `Xの株価` subjects).
pub(crate) const COMPANY_TAILS: &[&str] = &[
    "自動車",
    "銀行",
    "電機",
    "電気",
    "工業",
    "製作所",
    "証券",
    "商事",
    "物産",
    "化学",
    "製薬",
    "建設",
    "不動産",
    "電力",
    "ガス",
    "鉄道",
    "通信",
    "産業",
    "食品",
    "重工",
    "重工業",
    "製鉄",
    "製紙",
    "精機",
    "精工",
    "薬品",
    "興産",
    "紡績",
    "倉庫",
    "運輸",
    "海運",
    "航空",
    "電工",
    "工機",
    "技研",
    "開発",
    "電子",
    "機械",
    "化成",
    "ホールディングス",
    "グループ",
    "HD",
    "Holdings",
    "Inc.",
    "Corp.",
    "Ltd.",
];

fn is_ascii_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `pos` is a token boundary (start or end of some token, or
/// whitespace around it).
fn at_boundary(ctx: &Context<'_>, pos: usize) -> bool {
    if pos == 0 || pos == ctx.text.len() {
        return true;
    }
    let i = ctx.tokens.partition_point(|t| t.norm.end < pos);
    ctx.tokens
        .get(i)
        .is_some_and(|t| t.norm.end == pos || t.norm.start >= pos)
        || ctx.tokens.get(i + 1).is_some_and(|t| t.norm.start == pos)
}

/// Companies from the gazetteer aliases found in the text (`aliases`, see
/// [`Gazetteer::find_names`]) and from legal-form patterns.
pub(crate) fn extract(
    ctx: &Context<'_>,
    g: &'static Gazetteer,
    aliases: &[(usize, usize, usize)],
    out: &mut Vec<Found>,
) {
    let text = ctx.text;
    for &(start, end, alias_index) in aliases {
        let (company_index, alias) = &g.company_aliases[alias_index];
        let ascii = alias.is_ascii();
        let ok = if ascii {
            !text[..start]
                .chars()
                .next_back()
                .is_some_and(is_ascii_word_char)
                && !text[end..].chars().next().is_some_and(is_ascii_word_char)
        } else {
            at_boundary(ctx, start) && at_boundary(ctx, end)
        };
        if !ok {
            continue;
        }
        let c = &g.companies[*company_index];
        out.push(Found::found(
            Span::new(start, end),
            EntityValue::Company(CompanyValue {
                id: Some(Cow::Borrowed(&c.id)),
                name: Cow::Borrowed(&c.name),
                matched_alias: Cow::Borrowed(alias),
                parent: c.parent.as_deref().map(Cow::Borrowed),
            }),
        ));
    }
    extract_patterns(ctx, out);
}

fn is_name_token(ctx: &Context<'_>, i: usize) -> bool {
    let t = &ctx.tokens[i];
    let [pos, p1, ..] = *t.features;
    let surface = &ctx.text[t.norm.range()];
    pos == "名詞"
        && !matches!(p1, "数" | "非自立" | "代名詞" | "副詞可能" | "接尾")
        && !surface
            .chars()
            .all(|c| c.is_ascii_punctuation() || c.is_whitespace())
        && !matches!(surface, "同" | "当" | "同社" | "当社" | "子会社" | "親会社")
}

/// A company found by pattern, not in the gazetteer: no id, named as written.
fn unlisted(ctx: &Context<'_>, span: Span) -> Found {
    let name: ValueText = Cow::Owned(ctx.text[span.range()].to_string());
    Found::found(
        span,
        EntityValue::Company(CompanyValue {
            id: None,
            name: name.clone(),
            matched_alias: name,
            parent: None,
        }),
    )
}

/// Companies named by the Japanese code convention: the run of name tokens
/// right before `＜7203＞` / `（7203）` that no company entity covers yet.
pub(crate) fn from_codes(ctx: &Context<'_>, tickers: &[Found], companies: &mut Vec<Found>) {
    let mut covered: SpanSet = companies.iter().map(|c| c.span).collect();
    for t in tickers {
        let EntityValue::Ticker(v) = &t.value else {
            continue;
        };
        let bracket = ctx.text[t.span.range()].starts_with(['<', '＜', '〈', '《', '(', '（']);
        if v.exchange != "TSE"
            || !bracket
            || covered.overlaps(Span::new(t.span.start.saturating_sub(1), t.span.start))
        {
            continue;
        }
        let end_token = ctx.tokens.partition_point(|k| k.norm.end <= t.span.start);
        if end_token == 0 || ctx.tokens[end_token - 1].norm.end != t.span.start {
            continue;
        }
        let mut first = end_token;
        while first > 0
            && end_token - first < 4
            && is_name_token(ctx, first - 1)
            && (first == end_token
                || ctx.tokens[first - 1].norm.end == ctx.tokens[first].norm.start)
        {
            first -= 1;
        }
        if first == end_token {
            continue;
        }
        let span = Span::new(ctx.tokens[first].norm.start, t.span.start);
        if covered.overlaps(span) {
            continue;
        }
        covered.insert(span);
        companies.push(unlisted(ctx, span));
    }
}

/// `株式会社X`, `X株式会社`, `Xホールディングス`, `X HD`: companies by legal form.
fn extract_patterns(ctx: &Context<'_>, out: &mut Vec<Found>) {
    let mut covered: SpanSet = out.iter().map(|c| c.span).collect();
    let tokens = ctx.tokens;
    for (i, t) in tokens.iter().enumerate() {
        let surface = &ctx.text[t.norm.range()];
        if !LEGAL_SUFFIXES.contains(&surface) {
            continue;
        }
        // X株式会社 / Xホールディングス: up to four name tokens before.
        let mut first = i;
        while first > 0
            && i - first < 4
            && is_name_token(ctx, first - 1)
            && tokens[first - 1].norm.end == tokens[first].norm.start
        {
            first -= 1;
        }
        let span = if first < i {
            Some(Span::new(tokens[first].norm.start, t.norm.end))
        } else if surface == "株式会社"
            || surface == "(株)"
            || surface == "（株）"
            || surface == "㈱"
        {
            // 株式会社X: up to four name tokens after.
            let mut last = i;
            while last + 1 < tokens.len()
                && last - i < 4
                && is_name_token(ctx, last + 1)
                && tokens[last + 1].norm.start == tokens[last].norm.end
            {
                last += 1;
            }
            (last > i).then(|| Span::new(t.norm.start, tokens[last].norm.end))
        } else {
            None
        };
        let Some(span) = span else { continue };
        if covered.overlaps(span) {
            continue;
        }
        covered.insert(span);
        out.push(unlisted(ctx, span));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::RawToken;

    #[test]
    fn boundaries_answer_in_any_order() {
        // アリババ｜の｜株価 with a space before 株価.
        let text = "アリババの 株価";
        let token = |start: usize, end: usize| RawToken {
            norm: Span::new(start, end),
            features: &["名詞"; 9],
            unknown: false,
        };
        let tokens = [token(0, 12), token(12, 15), token(16, 22)];
        let ctx = Context {
            text,
            tokens: &tokens,
            numbers: Vec::new(),
        };
        let expected = [
            (0, true),
            (3, false),
            (12, true),
            (15, true),
            (16, true),
            (19, false),
            (22, true),
        ];
        for &(pos, at) in expected.iter().chain(expected.iter().rev()) {
            assert_eq!(at_boundary(&ctx, pos), at, "{pos}");
        }
    }
}
