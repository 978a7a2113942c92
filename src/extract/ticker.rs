//! Tickers: exchange-prefixed (`NYSE: BABA`, `東証プライム：9984`), vendor
//! suffixes (`7203.T`, `9988.HK`), and Japanese conventions (`＜7203＞`,
//! `（7203）` after a company, `証券コード：285A`). A bare number never is one.

use std::borrow::Cow;

use super::company::COMPANY_TAILS;
use super::gazetteer::Gazetteer;
use super::{CompanyValue, Context, EntityValue, Found, MARKS, TickerValue, ValueText};
use crate::span::{Span, SpanSet};

/// The word of a labelled code (`証券コード：7203`).
pub(crate) const CODE_WORD: &str = "コード";
/// Words that may precede `コード` as part of the label (`証券コード`).
const CODE_LABEL_HEADS: &[&str] = &["証券", "銘柄"];
const JP_CLOSES: &[char] = &['>', '〉', '》', '＞', ']', '］'];
const PAREN_CLOSES: &[char] = &[')', '）'];

/// `[0-9]{4}|[0-9]{3}[A-Z]`: a Japanese securities code.
fn is_jp_code(b: &[u8]) -> bool {
    b.len() == 4
        && b[..3].iter().all(u8::is_ascii_digit)
        && (b[3].is_ascii_digit() || b[3].is_ascii_uppercase())
}

/// Number of leading bytes of `b`, at most `max`, that satisfy `f`.
fn run(b: &[u8], max: usize, f: impl Fn(&u8) -> bool) -> usize {
    b.iter().take(max).take_while(|c| f(c)).count()
}

/// After an exchange prefix: `\s*[:：]\s*` then a symbol
/// (`[0-9]{1,6}[A-Z]?` or `[A-Z][A-Z0-9]{0,9}(\.[A-Z])?`, a whole word:
/// Indian symbols run to ten letters, `NSE: BAJFINANCE`); the symbol's range
/// in `rest`.
fn symbol_after_prefix(rest: &str) -> Option<(usize, usize)> {
    let after_space = rest.trim_start();
    // （東証プライム 4385）: a space alone separates a Japanese code that
    // closes its bracket or list item.
    let spaced = after_space.len() < rest.len()
        && after_space.as_bytes().get(..4).is_some_and(is_jp_code)
        && after_space[4..].starts_with(['）', ')', '、', ',']);
    if spaced {
        let start = rest.len() - after_space.len();
        return Some((start, start + 4));
    }
    // 東証スタンダード・1407 separates with a middle dot.
    let after_colon = after_space
        .strip_prefix(':')
        .or_else(|| after_space.strip_prefix('：'))
        .or_else(|| after_space.strip_prefix('・'))?;
    let start = rest.len() - after_colon.trim_start().len();
    let b = &rest.as_bytes()[start..];
    let len = match b.first()? {
        c if c.is_ascii_digit() => {
            let digits = run(b, 6, u8::is_ascii_digit);
            digits + usize::from(b.get(digits).is_some_and(u8::is_ascii_uppercase))
        }
        c if c.is_ascii_uppercase() => {
            let head = 1 + run(&b[1..], 9, |c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if b.get(head).is_some_and(u8::is_ascii_alphanumeric) {
                return None;
            }
            let class =
                b.get(head) == Some(&b'.') && b.get(head + 1).is_some_and(u8::is_ascii_uppercase);
            head + if class { 2 } else { 0 }
        }
        _ => return None,
    };
    Some((start, start + len))
}

/// `SYMBOL.SUFFIX` around the `.` at `dot` (`7203.T`, `9988.HK`, `VOD.L`,
/// `285A.T`): the span and where the suffix starts, when the symbol is a whole
/// word of `[0-9]{3,6}`, `[0-9]{3}[A-Z]`, `[A-Z]{2,10}` or a capital and
/// digits (`D05`) and the suffix is one to three capitals ending the word.
fn suffixed_at(text: &str, dot: usize) -> Option<(Span, usize)> {
    let b = text.as_bytes();
    let start = dot
        - b[..dot]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
    if start > 0 && b[start - 1] == b'.' {
        return None;
    }
    let symbol = &b[start..dot];
    let n = symbol.len();
    let shaped = (symbol.iter().all(u8::is_ascii_digit) && (3..=6).contains(&n))
        || is_jp_code(symbol)
        || (symbol.iter().all(u8::is_ascii_uppercase) && (2..=10).contains(&n))
        // Singapore's codes mix a capital and digits (D05, C6L, BN4).
        || ((2..=4).contains(&n)
            && symbol[0].is_ascii_uppercase()
            && symbol.iter().any(u8::is_ascii_digit)
            && symbol.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    let suffix = run(&b[dot + 1..], 3, u8::is_ascii_uppercase);
    let end = dot + 1 + suffix;
    if !shaped
        || suffix == 0
        || b.get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.')
    {
        return None;
    }
    Some((Span::new(start, end), dot + 1))
}

/// An opening bracket at `open_at`, a code, then one of `closes`: the span
/// and where the code starts.
fn bracketed_code(text: &str, open_at: usize, closes: &[char]) -> Option<(Span, usize)> {
    let code_at = open_at + text[open_at..].chars().next()?.len_utf8();
    let code = text.as_bytes().get(code_at..code_at + 4)?;
    if !is_jp_code(code) {
        return None;
    }
    let close = text[code_at + 4..].chars().next()?;
    closes
        .contains(&close)
        .then(|| (Span::new(open_at, code_at + 4 + close.len_utf8()), code_at))
}

/// Bloomberg's exchange codes, written after a symbol in brackets
/// (`（9984 JT）`, `（9988 HK）`), and the canonical exchange of each.
const BLOOMBERG_CODES: &[(&str, &str)] = &[
    ("JT", "TSE"),
    ("JP", "TSE"),
    ("HK", "HKEX"),
    ("KS", "KRX"),
    ("TT", "TWSE"),
    ("LN", "LSE"),
    ("SP", "SGX"),
    ("AU", "ASX"),
    ("CN", "TSX"),
    ("IN", "NSE_INDIA"),
];

/// `（9988 HK）` at `open_at`: a symbol (with Bloomberg's padding slash,
/// `BP/ LN`), a space and a Bloomberg exchange code in brackets; the span
/// inside the brackets, the symbol's end and the exchange code.
fn bloomberg_code(text: &str, open_at: usize) -> Option<(Span, usize, &'static str)> {
    let at = open_at + text[open_at..].chars().next()?.len_utf8();
    let b = &text.as_bytes()[at..];
    let len = run(b, 6, |c| c.is_ascii_uppercase() || c.is_ascii_digit());
    // Bloomberg pads short London symbols with a slash (`BP/ LN`).
    let slash = usize::from(b.get(len) == Some(&b'/'));
    if len == 0 || b.get(len + slash) != Some(&b' ') {
        return None;
    }
    let code_at = at + len + slash + 1;
    let code = text.get(code_at..code_at + 2)?;
    let &(_, exchange) = BLOOMBERG_CODES.iter().find(|(c, _)| *c == code)?;
    let end = code_at + 2;
    text[end..]
        .starts_with(PAREN_CLOSES)
        .then_some((Span::new(at, end), at + len, exchange))
}

/// `（AAPL）` at `open_at`: a bracketed letter symbol (`[A-Z]{1,5}`, with a
/// class letter `BRK.B`) and its span without the brackets.
fn bracketed_symbol(text: &str, open_at: usize) -> Option<Span> {
    let at = open_at + text[open_at..].chars().next()?.len_utf8();
    let b = &text.as_bytes()[at..];
    let head = run(b, 6, u8::is_ascii_uppercase);
    let class = b.get(head) == Some(&b'.') && b.get(head + 1).is_some_and(u8::is_ascii_uppercase);
    let len = head + if class { 2 } else { 0 };
    let close = text[at + len..].chars().next()?;
    ((1..=5).contains(&head) && PAREN_CLOSES.contains(&close)).then(|| Span::new(at, at + len))
}

/// Whether the text before `pos` ends with a word of two or more capitals
/// (an unlisted name written in Latin capitals: `SCREEN（7735）`).
fn after_capitals(text: &str, pos: usize) -> bool {
    let b = &text.as_bytes()[..pos];
    let n = b
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    n >= 2 && !b[..pos - n].last().is_some_and(u8::is_ascii_alphanumeric)
}

/// Whether the text before `pos` ends with a katakana word of four or more
/// characters and the bracketed code ending at `end` is followed by the
/// particle of a subject (は, が): an unlisted company written in katakana
/// (`ホギメディカル（3593）は`). A round code (（3000）, （5000）) is more often
/// a figure.
fn after_katakana_name(text: &str, pos: usize, end: usize, code: &str) -> bool {
    let n = text[..pos]
        .chars()
        .rev()
        .take_while(|&c| super::company::is_katakana(c))
        .count();
    n >= 4 && !code.ends_with("00") && text[end..].starts_with(['は', 'が'])
}

/// `（8306、NYSE：MUFG）`: an opening paren at `open_at`, a Japanese code,
/// then a comma and another listing: the code's span and start.
fn listed_code_first(text: &str, open_at: usize) -> Option<(Span, usize)> {
    let code_at = open_at + text[open_at..].chars().next()?.len_utf8();
    let code = text.as_bytes().get(code_at..code_at + 4)?;
    if !is_jp_code(code) {
        return None;
    }
    let rest = text[code_at + 4..].strip_prefix(['、', ','])?.trim_start();
    rest.starts_with(|c: char| c.is_ascii_uppercase())
        .then(|| (Span::new(code_at, code_at + 4), code_at))
}

/// Whether the bracket at `open_at` follows a company: one found
/// (`companies` is sorted and does not overlap), or a noun run ending like
/// one (`…自動車（7203）`).
fn after_company(text: &str, companies: &[Found], open_at: usize) -> bool {
    companies
        .binary_search_by(|f| f.span.end.cmp(&open_at))
        .is_ok()
        || COMPANY_TAILS.iter().any(|t| text[..open_at].ends_with(t))
}

/// Whether a four-digit code reads as a year (a bracketed year after an
/// abbreviation: `GDP（2024）`).
fn year_like(code: &str) -> bool {
    code.starts_with("19") || code.starts_with("20")
}

/// `（JR東日本、9020）`: an opening paren at `open_at`, a short name, a comma,
/// then a code and the closing paren: the code's span and start.
fn aliased_code(text: &str, open_at: usize) -> Option<(Span, usize)> {
    let inner_at = open_at + text[open_at..].chars().next()?.len_utf8();
    let inner = super::window_after(text, inner_at, 48);
    let (sep_at, sep) = inner
        .char_indices()
        .find(|&(_, c)| matches!(c, '、' | ','))?;
    let name = &inner[..sep_at];
    if name.is_empty()
        || name.chars().count() > 10
        || name.contains(|c: char| c.is_ascii_digit() || "()（）。:：".contains(c))
    {
        return None;
    }
    let code_at = inner_at + sep_at + sep.len_utf8();
    let code_at = code_at + (text[code_at..].len() - text[code_at..].trim_start().len());
    if !is_jp_code(text.as_bytes().get(code_at..code_at + 4)?) {
        return None;
    }
    let close = text[code_at + 4..].chars().next()?;
    PAREN_CLOSES
        .contains(&close)
        .then(|| (Span::new(code_at, code_at + 4), code_at))
}

/// `証券コード：7203`, `コード番号は285A`, `コード 7203` with `コード` at
/// `at`: the span (a label head before `コード` is part of it) and where the
/// code starts.
fn labelled_code(text: &str, at: usize) -> Option<(Span, usize)> {
    // The code after a label ending at `from`: `\s*(:|：|は)?\s*` then a code.
    let code_after = |from: usize| {
        let rest = text[from..].trim_start();
        let rest = [':', '：', 'は']
            .iter()
            .find_map(|sep| rest.strip_prefix(*sep))
            .unwrap_or(rest)
            .trim_start();
        let code_at = text.len() - rest.len();
        is_jp_code(rest.as_bytes().get(..4)?).then_some(code_at)
    };
    let word_end = at + CODE_WORD.len();
    // As the leftmost match would: a label head first, then コード番号, then コード.
    let head = CODE_LABEL_HEADS
        .iter()
        .find(|h| text[..at].ends_with(**h))
        .map(|h| at - h.len());
    if let Some(start) = head
        && let Some(code_at) = code_after(word_end)
    {
        return Some((Span::new(start, code_at + 4), code_at));
    }
    if text[word_end..].starts_with("番号")
        && let Some(code_at) = code_after(word_end + "番号".len())
    {
        return Some((Span::new(at, code_at + 4), code_at));
    }
    code_after(word_end).map(|code_at| (Span::new(at, code_at + 4), code_at))
}

/// `（035720）`, `（JD.com、09618）` at `open_at`: an opening paren, an
/// optional short name and comma, then a code of five digits with a leading
/// zero (Hong Kong) or six digits (Shanghai, Shenzhen, Korea), then the
/// closing paren: the code's span and start.
fn asian_code(text: &str, open_at: usize) -> Option<(Span, usize)> {
    let inner_at = open_at + text[open_at..].chars().next()?.len_utf8();
    let inner = &text[inner_at..];
    let code_at = match inner
        .char_indices()
        .take(12)
        .find(|&(_, c)| matches!(c, '、' | ','))
    {
        Some((k, c)) if !inner[..k].contains(['(', '（', ')', '）']) => {
            inner_at + k + c.len_utf8()
        }
        _ => inner_at,
    };
    let code_at = code_at + (text[code_at..].len() - text[code_at..].trim_start().len());
    let digits = text.as_bytes()[code_at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let end = code_at + digits;
    let shape = digits == 6 || (digits == 5 && text.as_bytes()[code_at] == b'0');
    (shape && text[end..].starts_with(PAREN_CLOSES)).then(|| (Span::new(code_at, end), code_at))
}

/// The market a bare code is on, named shortly before its bracket
/// (韓国の…, KOSDAQ上場の…, 科創板に上場する…), or implied by a Hong Kong
/// code's leading zero.
fn market_named_before(text: &str, open_at: usize, code: &str) -> Option<&'static str> {
    let window = super::window_before(text, open_at, 90);
    let window = window.rsplit('。').next().unwrap_or(window);
    if code.len() == 5 {
        return Some("HKEX");
    }
    if ["韓国", "KOSDAQ", "KOSPI", "コスダック"]
        .iter()
        .any(|w| window.contains(w))
    {
        Some("KRX")
    } else if ["科創板", "上海"].iter().any(|w| window.contains(w)) && code.starts_with('6') {
        Some("SSE")
    } else if ["深セン", "深圳", "創業板"]
        .iter()
        .any(|w| window.contains(w))
        && code.starts_with(['0', '3'])
    {
        Some("SZSE")
    } else {
        None
    }
}

/// Whether `symbol` has the shape of a listing on `exchange`.
fn plausible(exchange: &str, symbol: &str) -> bool {
    let digits = symbol.bytes().all(|b| b.is_ascii_digit());
    let letters = symbol.bytes().all(|b| b.is_ascii_uppercase());
    let n = symbol.len();
    match exchange {
        "TSE" | "NSE" | "SAPSE" | "FSE" => {
            n == 4 && (digits || symbol[..3].bytes().all(|b| b.is_ascii_digit()))
        }
        "HKEX" => digits && (1..=5).contains(&n),
        "SSE" | "SZSE" | "KRX" => digits && n == 6,
        "TWSE" | "TPEX" => digits && (4..=6).contains(&n),
        "TADAWUL" => digits && n == 4,
        // Bursa Malaysia: four-digit stock codes or names (MAYBANK);
        // Bombay: six-digit scrip codes or NSE-style names.
        "BURSA" => (digits && n == 4) || letters,
        "BSE" => (digits && n == 6) || letters,
        // India's NSE lists names of up to ten letters (BAJFINANCE).
        "NSE_INDIA" => letters,
        // Elsewhere, up to six characters led by a capital (not SCREEN9988).
        _ => {
            !digits
                && n <= 6
                && symbol
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_uppercase())
        }
    }
}

fn ticker(g: &'static Gazetteer, exchange: usize, symbol: &str, span: Span) -> Found {
    let e = &g.exchanges[exchange];
    let company = g
        .company_by_ticker(&e.key, symbol)
        .map(|i| Cow::Borrowed(g.companies[i].id.as_str()));
    Found::found(
        span,
        EntityValue::Ticker(TickerValue {
            symbol: symbol.to_string(),
            exchange: Cow::Borrowed(&e.code),
            mic: Cow::Borrowed(&e.mic),
            company,
        }),
    )
}

/// The exchange the gazetteer lists company `id` on under `symbol`
/// (leading zeros aside: 09618 is 9618).
fn listed_exchange(g: &Gazetteer, id: &str, symbol: &str) -> Option<usize> {
    let symbol = symbol.trim_start_matches('0');
    let c = g.company(id)?;
    let (exchange, _) = c
        .tickers
        .iter()
        .find(|(_, s)| s.trim_start_matches('0') == symbol)?;
    exchange_by_code(g, exchange)
}

fn exchange_by_code(g: &Gazetteer, code: &str) -> Option<usize> {
    g.exchanges.iter().position(|e| e.key == code)
}

/// The company entity (in `found`) ending at `pos`, allowing a few
/// connecting characters (`（`, `、`, spaces) in between.
fn company_before(
    text: &str,
    companies: &[Found],
    tickers: &[Found],
    pos: usize,
) -> Option<ValueText> {
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
        ..
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

/// Tickers: after the exchange prefixes found in the text (see
/// [`Gazetteer::find_names`]), with vendor suffixes (`7203.T`), and in the
/// Japanese code conventions.
pub(crate) fn extract(
    ctx: &Context<'_>,
    g: &'static Gazetteer,
    companies: &[Found],
    out: &mut Vec<Found>,
) {
    let text = ctx.text;
    let mut found: Vec<Found> = Vec::new();
    let mut taken = SpanSet::new();

    // Exchange-prefixed.
    for &(start, from, pattern) in &ctx.names.exchanges {
        let (prefix, exchange) = &g.exchange_prefixes[pattern];
        if prefix.is_ascii()
            && text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            continue;
        }
        let Some((sym_start, sym_end)) = symbol_after_prefix(&text[from..]) else {
            continue;
        };
        let symbol = &text[from + sym_start..from + sym_end];
        let end = from + sym_end;
        if text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            continue;
        }
        let span = Span::new(start, end);
        if !plausible(&g.exchanges[*exchange].key, symbol) || taken.overlaps(span) {
            continue;
        }
        taken.insert(span);
        found.push(ticker(g, *exchange, symbol, span));
    }

    let mut dots = Vec::new();
    let mut brackets = Vec::new();
    let mut labels = Vec::new();
    let mut parens = Vec::new();
    for &(start, _, mark) in &ctx.names.marks {
        match MARKS[mark] {
            "." => dots.push(start),
            CODE_WORD => labels.push(start),
            "(" | "（" => parens.push(start),
            "<" | "〈" | "《" | "＜" | "[" | "［" => brackets.push(start),
            _ => {}
        }
    }

    // Vendor suffixes: 7203.T, 9988.HK, VOD.L.
    for &dot in &dots {
        let Some((span, suffix_at)) = suffixed_at(text, dot) else {
            continue;
        };
        let Some(&exchange) = g.exchange_suffixes.get(&text[suffix_at..span.end]) else {
            continue;
        };
        let symbol = &text[span.start..dot];
        if !plausible(&g.exchanges[exchange].key, symbol) || taken.overlaps(span) {
            continue;
        }
        taken.insert(span);
        found.push(ticker(g, exchange, symbol, span));
    }

    let tse = exchange_by_code(g, "TSE");
    if let Some(tse) = tse {
        // ＜7203＞ and 証券コード：7203 are Japanese listings by convention.
        let bracketed = brackets
            .iter()
            .filter_map(|&at| bracketed_code(text, at, JP_CLOSES));
        let labelled = labels.iter().filter_map(|&at| labelled_code(text, at));
        for (span, code_at) in bracketed.chain(labelled) {
            // [2024] is more often a year than a code.
            if taken.overlaps(span)
                || text[span.range()].starts_with(['[', '［'])
                    && year_like(&text[code_at..code_at + 4])
            {
                continue;
            }
            taken.insert(span);
            found.push(ticker(g, tse, &text[code_at..code_at + 4], span));
        }
        // （7203） only right after a company name.
        for (open_at, (span, code_at)) in parens.iter().filter_map(|&at| {
            bracketed_code(text, at, PAREN_CLOSES)
                .or_else(|| aliased_code(text, at))
                .or_else(|| listed_code_first(text, at))
                .map(|found| (at, found))
        }) {
            let code = &text[code_at..code_at + 4];
            let named = after_company(text, companies, open_at)
                || ((after_capitals(text, open_at)
                    || after_katakana_name(text, open_at, span.end, code))
                    && !year_like(code));
            if named && !taken.overlaps(span) {
                taken.insert(span);
                found.push(ticker(g, tse, code, span));
            }
        }
    }
    // （8031・東証プライム）, （6954 東証プライム）: a code, then the market.
    for &(start, end, pattern) in &ctx.names.exchanges {
        let code_end = text[..start].trim_end_matches([' ', '・', '、', ',']).len();
        if code_end == start || code_end < 4 || !text[end..].starts_with(PAREN_CLOSES) {
            continue;
        }
        // The code's bytes are checked first: ASCII, so `code_at` is a
        // character boundary (（700 HK） has three digits after a wide bracket).
        let code_at = code_end - 4;
        if !is_jp_code(&text.as_bytes()[code_at..code_end]) {
            continue;
        }
        let Some(open) = text[..code_at].chars().next_back() else {
            continue;
        };
        let open_at = code_at - open.len_utf8();
        if !matches!(open, '(' | '（') {
            continue;
        }
        let exchange = g.exchange_prefixes[pattern].1;
        let span = Span::new(code_at, end);
        if after_company(text, companies, open_at)
            && plausible(&g.exchanges[exchange].key, &text[code_at..code_end])
            && !taken.overlaps(span)
        {
            taken.insert(span);
            found.push(ticker(g, exchange, &text[code_at..code_end], span));
        }
    }
    // After a company, in brackets: a Bloomberg code (（9988 HK）), or a
    // letter symbol the gazetteer lists the company under (アップル（AAPL）).
    for &open_at in &parens {
        if let Some((span, symbol_end, code)) = bloomberg_code(text, open_at) {
            let symbol = &text[span.start..symbol_end];
            if let Some(exchange) = exchange_by_code(g, code)
                && after_company(text, companies, open_at)
                && plausible(code, symbol)
                && !taken.overlaps(span)
            {
                taken.insert(span);
                found.push(ticker(g, exchange, symbol, span));
            }
            continue;
        }
        let Some(span) = bracketed_symbol(text, open_at) else {
            continue;
        };
        let Ok(i) = companies.binary_search_by(|f| f.span.end.cmp(&open_at)) else {
            continue;
        };
        let EntityValue::Company(CompanyValue { id: Some(id), .. }) = &companies[i].value else {
            continue;
        };
        // An abbreviation the company goes by (タタ・コンサルタンシー・
        // サービシズ（TCS）) is a name, even when it is also its symbol.
        if companies
            .binary_search_by(|f| f.span.start.cmp(&span.start))
            .is_ok_and(|k| companies[k].span == span)
        {
            continue;
        }
        let symbol = &text[span.range()];
        if let Some(exchange) = listed_exchange(g, id, symbol)
            && !taken.overlaps(span)
        {
            taken.insert(span);
            found.push(ticker(g, exchange, symbol, span));
        }
    }

    // After a company, a bare Hong Kong, Chinese or Korean code in brackets
    // (カカオ（035720）, 京東集団（JD.com、09618）): the exchange the gazetteer
    // lists the company on, else the market named before it.
    for &open_at in &parens {
        let Some((span, code_at)) = asian_code(text, open_at) else {
            continue;
        };
        let code = &text[code_at..span.end];
        let listed_for = |i: usize| match &companies[i].value {
            EntityValue::Company(CompanyValue { id: Some(id), .. }) => listed_exchange(g, id, code),
            _ => None,
        };
        let exchange = match companies.binary_search_by(|f| f.span.end.cmp(&open_at)) {
            Ok(i) => listed_for(i).or_else(|| {
                market_named_before(text, open_at, code).and_then(|e| exchange_by_code(g, e))
            }),
            // The short name followed by the rest of the full one
            // (寒武紀科技（688256）): only for the code the gazetteer lists for
            // that company (比亜迪電子 is another company than 比亜迪).
            Err(k) => k
                .checked_sub(1)
                .filter(|&i| {
                    let tail = text.get(companies[i].span.end..open_at).unwrap_or_default();
                    (1..=4).contains(&tail.chars().count())
                        && tail.chars().all(|c| matches!(c, '\u{4e00}'..='\u{9fff}'))
                })
                .and_then(listed_for),
        };
        if let Some(exchange) = exchange
            && plausible(&g.exchanges[exchange].key, code)
            && !taken.overlaps(span)
        {
            taken.insert(span);
            found.push(ticker(g, exchange, code, span));
        }
    }

    super::sort_by_start(&mut found);
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
