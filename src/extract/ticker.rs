//! Tickers: exchange-prefixed (`NYSE: BABA`, `東証プライム：9984`), vendor
//! suffixes (`7203.T`, `9988.HK`), and Japanese conventions (`＜7203＞`,
//! `（7203）` after a company, `証券コード：285A`). A bare number never is one.

use once_cell::sync::Lazy;
use regex::Regex;

use super::company::COMPANY_TAILS;
use super::gazetteer::{Gazetteer, symbol_key};
use super::{Context, EntityValue, Found, TickerValue};
use crate::span::{Span, SpanSet};

static SYMBOL_AFTER_PREFIX: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^\s*[:：]\s*([0-9]{1,6}[A-Z]?|[A-Z][A-Z0-9]{0,5}(?:\.[A-Z])?)")
        .expect("valid regex")
});
static SUFFIXED: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"([0-9]{3,6}|[0-9]{3}[A-Z]|[A-Z]{2,5})\.([A-Z]{1,3})").expect("valid regex")
});
static JP_BRACKETED: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"[<〈《＜]([0-9]{4}|[0-9]{3}[A-Z])[>〉》＞]").expect("valid regex"));
static JP_PAREN: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"[(（]([0-9]{4}|[0-9]{3}[A-Z])[)）]").expect("valid regex"));
static JP_CODE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?:証券コード|銘柄コード|コード番号|コード)\s*(?::|：|は)?\s*([0-9]{4}|[0-9]{3}[A-Z])",
    )
    .expect("valid regex")
});

/// Whether `symbol` has the shape of a listing on `exchange`.
fn plausible(exchange: &str, symbol: &str) -> bool {
    let digits = symbol.bytes().all(|b| b.is_ascii_digit());
    let n = symbol.len();
    match exchange {
        "TSE" | "NSE" | "SAPSE" | "FSE" => {
            n == 4 && (digits || symbol[..3].bytes().all(|b| b.is_ascii_digit()))
        }
        "HKEX" => digits && (1..=5).contains(&n),
        "SSE" | "SZSE" | "KRX" => digits && n == 6,
        "TWSE" | "TPEX" => digits && (4..=6).contains(&n),
        _ => {
            !digits
                && symbol
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_uppercase())
        }
    }
}

fn ticker(g: &Gazetteer, exchange: usize, symbol: &str, span: Span) -> Found {
    let e = &g.exchanges[exchange];
    let company = g
        .by_ticker
        .get(&(e.code.clone(), symbol_key(symbol)))
        .map(|&i| g.companies[i].id.clone());
    Found {
        span,
        value: EntityValue::Ticker(TickerValue {
            symbol: symbol.to_string(),
            exchange: e.code.clone(),
            mic: e.mic.clone(),
            company,
        }),
    }
}

fn exchange_by_code(g: &Gazetteer, code: &str) -> Option<usize> {
    g.exchanges.iter().position(|e| e.code == code)
}

/// The company entity (in `found`) ending at `pos`, allowing a few
/// connecting characters (`（`, `、`, spaces) in between.
fn company_before(
    text: &str,
    companies: &[Found],
    tickers: &[Found],
    pos: usize,
) -> Option<String> {
    let head = &text[..pos];
    let trimmed =
        head.trim_end_matches([' ', '(', '（', '、', ',', '<', '＜', '〈', '《', '[', '［']);
    let anchor = trimmed.len();
    // The ticker just before (アリババ（NYSE: BABA、SEHK: 9988）) shares its
    // company; otherwise a company ending at the anchor (binary search: the
    // companies are sorted and do not overlap).
    if let Some(Found {
        span,
        value: EntityValue::Ticker(t),
    }) = tickers.last()
        && span.end == anchor
    {
        return t.company.clone();
    }
    let i = companies
        .binary_search_by(|f| f.span.end.cmp(&anchor))
        .ok()?;
    match &companies[i].value {
        EntityValue::Company(c) => Some(c.id.clone().unwrap_or_default()),
        _ => None,
    }
}

pub(crate) fn extract(ctx: &Context<'_>, g: &Gazetteer, companies: &[Found], out: &mut Vec<Found>) {
    let text = ctx.text;
    let mut found: Vec<Found> = Vec::new();
    let mut taken = SpanSet::new();

    // Exchange-prefixed.
    for (start, from, pattern) in g.exchange_automaton.find_iter(text) {
        let (prefix, exchange) = &g.exchange_prefixes[pattern];
        {
            if prefix.is_ascii()
                && text[..start]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
            let Some(caps) = SYMBOL_AFTER_PREFIX.captures(&text[from..]) else {
                continue;
            };
            let (Some(all), Some(sym)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let symbol = sym.as_str();
            let end = from + all.end();
            if text[end..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
            let span = Span::new(start, end);
            if !plausible(&g.exchanges[*exchange].code, symbol) || taken.overlaps(span) {
                continue;
            }
            taken.insert(span);
            found.push(ticker(g, *exchange, symbol, span));
        }
    }

    // Vendor suffixes: 7203.T, 9988.HK, VOD.L.
    for caps in SUFFIXED.captures_iter(text) {
        let (Some(all), Some(sym), Some(suffix)) = (caps.get(0), caps.get(1), caps.get(2)) else {
            continue;
        };
        let span = Span::new(all.start(), all.end());
        if text[..span.start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
            || text[span.end..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
        {
            continue;
        }
        let Some(&exchange) = g.exchange_suffixes.get(suffix.as_str()) else {
            continue;
        };
        if !plausible(&g.exchanges[exchange].code, sym.as_str()) || taken.overlaps(span) {
            continue;
        }
        taken.insert(span);
        found.push(ticker(g, exchange, sym.as_str(), span));
    }

    let tse = exchange_by_code(g, "TSE");
    if let Some(tse) = tse {
        // ＜7203＞ and 証券コード：7203 are Japanese listings by convention.
        for re in [&*JP_BRACKETED, &*JP_CODE] {
            for caps in re.captures_iter(text) {
                let (Some(all), Some(sym)) = (caps.get(0), caps.get(1)) else {
                    continue;
                };
                let span = Span::new(all.start(), all.end());
                if taken.overlaps(span) {
                    continue;
                }
                taken.insert(span);
                found.push(ticker(g, tse, sym.as_str(), span));
            }
        }
        // （7203） only right after a company name.
        for caps in JP_PAREN.captures_iter(text) {
            let (Some(all), Some(sym)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let span = Span::new(all.start(), all.end());
            let after_company = companies
                .binary_search_by(|f| f.span.end.cmp(&span.start))
                .is_ok()
                || COMPANY_TAILS
                    .iter()
                    .any(|t| text[..span.start].ends_with(t));
            if after_company && !taken.overlaps(span) {
                taken.insert(span);
                found.push(ticker(g, tse, sym.as_str(), span));
            }
        }
    }

    found.sort_by_key(|f| f.span.start);
    // Link to the company written just before (アリババ（NYSE: BABA、SEHK: 9988）).
    for i in 0..found.len() {
        let needs = matches!(&found[i].value, EntityValue::Ticker(t) if t.company.is_none());
        if !needs {
            continue;
        }
        if let Some(id) = company_before(text, companies, &found[..i], found[i].span.start)
            && !id.is_empty()
            && let EntityValue::Ticker(t) = &mut found[i].value
        {
            t.company = Some(id);
        }
    }
    out.extend(found);
}
