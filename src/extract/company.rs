//! Companies: gazetteer aliases (one name index) on token boundaries, plus
//! legal-form patterns (`株式会社X`, `Xホールディングス`, `X Inc.`) for companies
//! the gazetteer does not list.

use std::borrow::Cow;

use super::gazetteer::Gazetteer;
use super::{CompanyValue, Context, EntityValue, Found, ValueText};
use crate::span::{Span, SpanSet};
use crate::tokenize::RawToken;

/// What a legal mark found in the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LegalMark {
    /// A suffix that makes the noun run before it a company name
    /// (`X株式会社`, `Xホールディングス`); it starts a token and ends one (合同｜会社).
    Form,
    /// グループ, which may end a longer token (フィナンシャルグループ).
    Group,
    /// An English legal suffix after a name (`Inc.`, `Co., Ltd.`).
    English,
}

/// Every legal mark, matched by the gazetteer's name index
/// (leftmost-longest: `Co., Ltd.` over `Ltd.`, `Inc.` over `Inc`).
pub(crate) const LEGAL_MARKS: &[(&str, LegalMark)] = &[
    ("株式会社", LegalMark::Form),
    ("ホールディングス", LegalMark::Form),
    ("ホールディング", LegalMark::Form),
    ("HD", LegalMark::Form),
    ("(株)", LegalMark::Form),
    ("（株）", LegalMark::Form),
    ("㈱", LegalMark::Form),
    ("有限会社", LegalMark::Form),
    ("合同会社", LegalMark::Form),
    ("グループ", LegalMark::Group),
    ("Co., Ltd.", LegalMark::English),
    ("Inc.", LegalMark::English),
    ("Inc", LegalMark::English),
    ("Corp.", LegalMark::English),
    ("Corp", LegalMark::English),
    ("Corporation", LegalMark::English),
    ("Ltd.", LegalMark::English),
    ("Ltd", LegalMark::English),
    ("GmbH", LegalMark::English),
    ("AG", LegalMark::English),
    ("N.V.", LegalMark::English),
    ("S.A.", LegalMark::English),
    ("Limited", LegalMark::English),
    ("LLC", LegalMark::English),
    ("PLC", LegalMark::English),
    ("plc", LegalMark::English),
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
    // Chinese groups and holdings as Japanese news writes them (京東集団).
    "集団",
    "控股",
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

/// Whether a name ending at `pos` inside a token is followed by the rest of
/// that token being 株 (its shares): IPADIC reads イエス銀行株 as イエス +
/// 銀行株, so the name ends inside 銀行株.
fn shares_after(ctx: &Context<'_>, pos: usize) -> bool {
    let i = ctx.tokens.partition_point(|t| t.norm.end <= pos);
    ctx.tokens
        .get(i)
        .is_some_and(|t| t.norm.start < pos && ctx.text.get(pos..t.norm.end) == Some("株"))
}

/// Companies from the gazetteer aliases found in the text (see
/// [`Gazetteer::find_names`]) and from legal-form patterns.
pub(crate) fn extract(ctx: &Context<'_>, g: &'static Gazetteer, out: &mut Vec<Found>) {
    let text = ctx.text;
    for &(start, end, alias_index) in &ctx.names.companies {
        let (company_index, alias, in_context) = &g.company_aliases[alias_index];
        // The company found last, when only one of `joins` stands between
        // it and this name.
        let right_after = |joins: &[&str]| {
            out.last().filter(|prev: &&Found| {
                joins
                    .iter()
                    .any(|j| prev.span.end + j.len() == start && text[..start].ends_with(j))
            })
        };
        // (Or listed right after another company: 韓国のネイバーとカカオ.)
        let listed = || right_after(&["と", "、", "や"]).is_some();
        // A gloss of the mention before it, in brackets (淘宝網（Taobao）,
        // Temu（テム）), is part of that mention, not another one: the
        // mention's span takes it in.
        let glossed = || {
            text[end..].starts_with(['）', ')'])
                && right_after(&["（", "("]).is_some_and(|prev| {
                    matches!(&prev.value, EntityValue::Company(c)
                        if c.id.as_deref() == Some(g.companies[*company_index].id.as_str()))
                })
        };
        if glossed() {
            if let Some(prev) = out.last_mut() {
                let close = text[end..].chars().next().map_or(0, char::len_utf8);
                prev.span.end = end + close;
            }
            continue;
        }
        if *in_context && !named_in_context(text, start, end) && !listed() {
            continue;
        }
        let ascii = alias.is_ascii();
        let ok = if ascii {
            !text[..start]
                .chars()
                .next_back()
                .is_some_and(is_ascii_word_char)
                && !text[end..].chars().next().is_some_and(is_ascii_word_char)
                && !product_name(text, start, end)
        } else {
            at_boundary(ctx, start)
                && (at_boundary(ctx, end) || shares_after(ctx, end))
                && !place_or_unit(text, start, end)
                && !ordinary_use(&text[end..])
                // (PlayStation 5, or a katakana product: ニンテンドースイッチ2)
                && !numbered_product(text[end..].trim_start_matches(is_katakana))
                && !output_rate(alias, &text[end..])
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
    extract_patterns(ctx, &ctx.names.legal_marks, out);
    from_deals(ctx, out);
}

/// Words of a deal that make a company of what it is done to: after `Xを`
/// within the clause (`Xを約59億ドルで買収`, `Xを株式交換で傘下に`), or right
/// after `Xの` (`Xの完全子会社化`).
const DEALS: &[&str] = &[
    "買収",
    "傘下",
    "子会社化",
    "完全子会社化",
    "経営統合",
    "吸収合併",
    "株式公開買い付け",
    "TOB",
];

/// How far (bytes) after a particle the deal mark of its deal can start:
/// the deal is looked for within 30 characters (116 bytes at most before
/// the last one starts) and the name index's mark is at most 6 bytes into
/// the deal word (`完全子会社化`, `吸収合併`, `株式公開買い付け`).
const DEAL_REACH: usize = 116 + 6;

/// The first characters of [`DEALS`].
const DEAL_FIRST_CHARS: [char; 8] = ['買', '傘', '子', '完', '経', '吸', '株', 'T'];

/// Companies the gazetteer lacks, named as what a deal is done to: a
/// katakana name with a word the dictionary does not know or lists as a
/// proper noun (`ドゥナムを…傘下に収める`, `米アイベリック・バイオを…買収`,
/// `デサントの完全子会社化`), or one it does not know before `に`
/// (`セコノミーに…買収を提案`). Common katakana words (`ブランドを買収`,
/// `ソフトの買収`, and so `ウィズ`, a word IPADIC knows) are not names.
fn from_deals(ctx: &Context<'_>, out: &mut Vec<Found>) {
    let (text, tokens) = (ctx.text, ctx.tokens);
    // Where the deal words are (the name index's pass found them with
    // the other marks): most documents name none, and only particles a
    // little way before one can introduce a name.
    let mut deal_marks: Vec<usize> = ctx
        .names
        .marks
        .iter()
        .filter(|&&(_, _, m)| super::DEAL_MARKS.contains(&super::MARKS[m]))
        .map(|&(start, _, _)| start)
        .collect();
    if deal_marks.is_empty() {
        return;
    }
    deal_marks.sort_unstable();
    let katakana =
        |k: &RawToken| k.features[0] == "名詞" && text[k.norm.range()].chars().all(is_katakana);
    let mut found = Vec::new();
    let mut next_deal = 0;
    let mut i = 1;
    while i < tokens.len() {
        let t = &tokens[i];
        i += 1;
        // The deal word nearest after this token, and whether a deal could
        // start within reach: 30 characters on (at most 116 bytes), a mark
        // being at most 6 bytes into its deal word (完全|子会社化).
        while deal_marks.get(next_deal).is_some_and(|&m| m < t.norm.end) {
            next_deal += 1;
        }
        let Some(&deal) = deal_marks.get(next_deal) else {
            break;
        };
        if deal > t.norm.end + DEAL_REACH {
            // Skip to the first token that ends within reach of it.
            i = i.max(tokens.partition_point(|k| k.norm.end + DEAL_REACH < deal));
            continue;
        }
        let i = i - 1;
        // (Cheapest tests first: the particle's three bytes, then a katakana
        // noun before it.)
        let Some(&[b0, b1, b2]) = text.as_bytes().get(t.norm.range()) else {
            continue;
        };
        let particle = [b0, b1, b2];
        let wo = particle == *"を".as_bytes();
        let ni = particle == *"に".as_bytes();
        if !(wo || ni || particle == *"の".as_bytes()) || !katakana(&tokens[i - 1]) {
            continue;
        }
        let mut first = i - 1;
        while first > 0 && katakana(&tokens[first - 1]) {
            first -= 1;
        }
        let run = &tokens[first..i];
        let start = run[0].norm.start;
        let end = run[run.len() - 1].norm.end;
        // The whole katakana word (not the tail of one the tokens split
        // before a non-noun), and a name rather than a common word.
        let before = text[..start].chars().next_back();
        if before.is_some_and(is_katakana)
            || text[start..end].chars().count() < 2
            || !run.iter().any(|k| k.unknown || k.features[1] == "固有名詞")
        {
            continue;
        }
        // Before に (`…はセコノミーに買収を提案`) a place or a person is as
        // likely (`インドネシアに…`): only a word the dictionary does not
        // know, and no place or person in the run.
        if ni
            && (!run.iter().any(|k| k.unknown)
                || run.iter().any(|k| matches!(k.features[2], "地域" | "人名")))
        {
            continue;
        }
        let rest = &text[t.norm.end..];
        let deal_at = |at: usize| DEALS.iter().any(|d| rest[at..].starts_with(d));
        let deal_follows = if wo || ni {
            // Anywhere in the rest of the clause, a little way on.
            let deal = rest
                .char_indices()
                .take(30)
                .take_while(|&(_, c)| !matches!(c, '。' | '、' | '\n'))
                .find(|&(at, c)| DEAL_FIRST_CHARS.contains(&c) && deal_at(at));
            // After に, the deal is what is done to the name (`…に約22億
            // ユーロで買収を提案`, `…に対しTOB`), not to something a
            // predicate between describes (`メタバースに注力する企業を買収`).
            deal.is_some_and(|(at, _)| {
                !ni || tokens[i + 1..]
                    .iter()
                    .take_while(|k| k.norm.start < t.norm.end + at)
                    .all(|k| {
                        !matches!(k.features[0], "動詞" | "形容詞" | "助動詞")
                            || k.features[6] == "対する"
                    })
            })
        } else {
            deal_at(0)
        };
        if deal_follows {
            found.push(Span::new(start, end));
        }
    }
    if found.is_empty() {
        return;
    }
    let covered: SpanSet = out.iter().map(|c| c.span).collect();
    let before = out.len();
    out.extend(
        found
            .into_iter()
            .filter(|&span| !covered.overlaps(span))
            .map(|span| unlisted(ctx, span)),
    );
    if out.len() > before {
        out.sort_by_key(|f| f.span.start);
    }
}

/// Whether what follows a name makes it an ordinary word (楽天的, シャープな
/// 値動き, アルファベット順, メタ分析, メタ認知, イオン交換膜, ディスコブーム)
/// rather than a company.
fn ordinary_use(after: &str) -> bool {
    const WORD_TAILS: &[&str] = &["的", "順", "分析", "認知", "交換", "ブーム"];
    WORD_TAILS.iter().any(|t| after.starts_with(t))
        // シャープな値動き (an adjective), not シャープなど (and others).
        || after.starts_with('な') && !after[3..].starts_with('ど')
}

/// Whether a name that is also a rate of output is followed by a figure:
/// 日産1万バレル is a day's output, not Nissan (日産3%高 still is).
fn output_rate(alias: &str, after: &str) -> bool {
    const RATES: &[&str] = &["日産"];
    RATES.contains(&alias) && {
        let figure = after
            .find(|c: char| !(super::number::is_number_char(c) || c == ',' || c == '.'))
            .unwrap_or(after.len());
        figure > 0 && !after[figure..].starts_with(['%', '％', '円', 'ド', 'ポ'])
    }
}

/// Countries and regions written before a company (韓国のカカオ, 米スラック).
const PLACES: &[&str] = &[
    "米国",
    "米",
    "英国",
    "英",
    "独",
    "仏",
    "中国",
    "中",
    "韓国",
    "韓",
    "台湾",
    "台",
    "香港",
    "インド",
    "印",
    "豪州",
    "豪",
    "カナダ",
    "加",
    "シンガポール",
    "ベトナム",
    "タイ",
    "インドネシア",
    "マレーシア",
    "フィリピン",
    "欧州",
    "ドイツ",
    "フランス",
    "イギリス",
    "スペイン",
    "イタリア",
    "オランダ",
    "スイス",
    "ブラジル",
    "メキシコ",
    "日本",
    "国内",
];

/// Whether a company name that is also an ordinary word (カカオ, シー) is
/// used as a company here: after a country (韓国のカカオ, 米スラック), or
/// before its code or English name in brackets (シー（Sea）, カバー（5253）)
/// or 社.
fn named_in_context(text: &str, start: usize, end: usize) -> bool {
    let head = &text[..start];
    let head = head.strip_suffix('の').unwrap_or(head);
    let after = &text[end..];
    PLACES.iter().any(|p| head.ends_with(p))
        || after.starts_with('社')
        || after
            .strip_prefix(['（', '('])
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphanumeric()))
}

/// Whether an English name opens a quoted product name that goes on
/// (「PlayStation 5 Pro」, 「Nintendo Switch 2」), or a numbered one
/// (PlayStation 5, Nintendo Switch 2): the product, not its maker.
fn product_name(text: &str, start: usize, end: usize) -> bool {
    (text[..start].ends_with('「')
        && text[end..]
            .strip_prefix(' ')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphanumeric())))
        || numbered_product(&text[end..])
}

/// Whether what follows a brand is a model number, after up to two more
/// English words (`5` of PlayStation 5, ` Switch 2`), and not a count or an
/// amount (`3社`, `5%`).
fn numbered_product(after: &str) -> bool {
    let mut rest = after;
    for _ in 0..2 {
        match rest.strip_prefix(' ') {
            Some(r) if r.starts_with(|c: char| c.is_ascii_uppercase()) => {
                let w = r
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(r.len());
                rest = &r[w..];
            }
            _ => break,
        }
    }
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    // What may follow a model number (not 4～9月期, 2輪, 1株, 3事業).
    let mut tail = rest[digits..].chars();
    let (next, after) = (tail.next(), tail.next());
    (1..=3).contains(&digits)
        && match next {
            None => true,
            // Not a decimal or a grouped figure (5.5, 1,000).
            Some('.' | ',') => !after.is_some_and(|c| c.is_ascii_digit()),
            Some(c) => " 、。」）)のはがをとも".contains(c) || c == 'で',
        }
}

/// A katakana character (including ー and ・).
pub(crate) fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30a0}'..='\u{30ff}')
}

/// Whether the name at `text[start..end]` is a place or a unit rather than
/// a company: a kanji name followed by 市, 町, 村, 区, 県 or 郡 (日立市), or a
/// katakana name right after a figure (3テスラ) or inside a longer katakana
/// word (リチウムイオン).
pub(crate) fn place_or_unit(text: &str, start: usize, end: usize) -> bool {
    let name = &text[start..end];
    let kanji = |c: char| matches!(c, '\u{4e00}'..='\u{9fff}' | '々');
    let before = text[..start].chars().next_back();
    (name.chars().all(kanji) && text[end..].starts_with(['市', '町', '村', '区', '県', '郡']))
        || (name.chars().all(is_katakana)
            && before.is_some_and(|c| {
                c.is_ascii_digit()
                    || super::number::is_number_char(c)
                    // The tail of a longer katakana word (リチウム｜イオン).
                    || (is_katakana(c) && c != '・')
            }))
}

/// Whether token `i` describes the company named after it rather than
/// being part of its name (`高級ブランド大手｜ヴァロワ・グループ`,
/// `自動車最大手｜トヨタ`).
fn describes(ctx: &Context<'_>, i: usize) -> bool {
    matches!(
        &ctx.text[ctx.tokens[i].norm.range()],
        "大手" | "最大手" | "準大手" | "中堅" | "首位"
    )
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

/// The mention of company `id` that ends where a run of up to four name
/// tokens (suffixes and `・` too) ending at token `first` starts, with
/// nothing between them.
fn extended_listed(
    ctx: &Context<'_>,
    companies: &[Found],
    first: usize,
    id: &str,
) -> Option<usize> {
    let mut j = first;
    loop {
        let start = ctx.tokens[j].norm.start;
        // English words go on across a space (Microsoft Corporation).
        let joined = |end: usize| end == start || spaced_words(ctx.text, end, start);
        let at = companies.iter().position(|c| {
            joined(c.span.end)
                && matches!(&c.value, EntityValue::Company(v) if v.id.as_deref() == Some(id))
        });
        if at.is_some() {
            return at;
        }
        if j == 0 || first - j >= 4 {
            return None;
        }
        // A space between English words may be a token of its own.
        if j >= 2
            && ctx.text[ctx.tokens[j - 1].norm.range()] == *" "
            && spaced_words(ctx.text, ctx.tokens[j - 2].norm.end, start)
        {
            j -= 1;
        }
        if !joined(ctx.tokens[j - 1].norm.end) {
            return None;
        }
        let t = &ctx.tokens[j - 1];
        let surface = &ctx.text[t.norm.range()];
        if !(is_name_token(ctx, j - 1) || t.features[1] == "接尾" || surface == "・") {
            return None;
        }
        j -= 1;
    }
}

/// Whether `text[end..start]` is one space between two English words.
fn spaced_words(text: &str, end: usize, start: usize) -> bool {
    start == end + 1
        && text.as_bytes()[end] == b' '
        && text[..end].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '.')
        && text[start..].starts_with(|c: char| c.is_ascii_alphanumeric())
}

/// Words that describe a company in front of its English name.
const ENGLISH_DESCRIPTORS: &[&str] = &[
    "AI", "EV", "IT", "IoT", "SaaS", "SoC", "ETF", "REIT", "SPAC", "ADR", "VC", "PC", "Fintech",
    "FinTech",
];
/// The English name written right before `end` (`Gemini Space Station`):
/// one to five words, each capitalized (or `&`), after a character that is
/// not English.
fn english_name_before(text: &str, end: usize) -> Option<Span> {
    let head = &text[..end];
    let run = head.len()
        - head
            .trim_end_matches(|c: char| {
                c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '&' | '-' | '\'')
            })
            .len();
    let start = end - run;
    let mut name = text[start..end].trim_start();
    // A descriptor in front of the name (新興AI Zeta Robotics, 米EV Rivo Motors).
    while let Some((head, rest)) = name.split_once(' ')
        && ENGLISH_DESCRIPTORS.contains(&head)
    {
        name = rest;
    }
    let start = end - name.len();
    let words: Vec<&str> = name.split(' ').collect();
    // A legal form on its own is not a name (Corporation（NASDAQ: X）).
    if LEGAL_MARKS.contains(&(name, LegalMark::English)) || COMPANY_TAILS.contains(&name) {
        return None;
    }
    let capitalized = |w: &str| w == "&" || w.starts_with(|c: char| c.is_ascii_uppercase());
    (!name.is_empty()
        && words.len() <= 5
        && words.iter().all(|w| !w.is_empty() && capitalized(w))
        && name.len() >= 3)
        .then_some(Span::new(start, end))
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

/// Companies named by a listing written right after them: the run of name
/// tokens before `＜7203＞` / `（7203）` (a company the gazetteer may lack), or
/// before `（NASDAQ: ARM）` when the gazetteer lists that ticker (アーム).
pub(crate) fn from_codes(
    ctx: &Context<'_>,
    g: &'static Gazetteer,
    tickers: &[Found],
    companies: &mut Vec<Found>,
) {
    const OPENS: [char; 6] = ['<', '＜', '〈', '《', '(', '（'];
    let mut covered: SpanSet = companies.iter().map(|c| c.span).collect();
    for t in tickers {
        let EntityValue::Ticker(v) = &t.value else {
            continue;
        };
        // The name ends at the bracket: the ticker's own (＜7203＞) or the
        // one it is written in (（NASDAQ: ARM）).
        let before = &ctx.text[..t.span.start];
        let name_end = if ctx.text[t.span.range()].starts_with(OPENS) {
            t.span.start
        } else {
            match before.chars().next_back() {
                Some(c) if OPENS.contains(&c) => t.span.start - c.len_utf8(),
                // （JR九州、9142）: the bracket before the short name.
                Some('、' | ',') => {
                    // (Looked for within reach only: a search back to the
                    // text's start at every ticker was quadratic.)
                    let near = super::window_before(ctx.text, t.span.start, 47);
                    let near_at = t.span.start - near.len();
                    let Some(open) = near
                        .rfind(OPENS)
                        .filter(|&o| !near[o..].contains([')', '）', '。']))
                    else {
                        continue;
                    };
                    near_at + open
                }
                _ => continue,
            }
        };
        // 株探 style puts a space before the code: 三井ハイテック <6966>.
        let name_end = ctx.text[..name_end]
            .trim_end_matches([' ', '\u{3000}'])
            .len();
        if covered.overlaps(Span::new(name_end.saturating_sub(1), name_end)) {
            continue;
        }
        let end_token = ctx.tokens.partition_point(|k| k.norm.end <= name_end);
        if end_token == 0 || ctx.tokens[end_token - 1].norm.end != name_end {
            continue;
        }
        let key = g
            .exchanges
            .iter()
            .find(|e| e.mic == v.mic)
            .map_or(&*v.exchange, |e| e.key.as_str());
        let known = g.company_by_ticker(key, &v.symbol);
        // An unlisted name is trusted before a Japanese code, or when it is
        // an English name (Gemini Space Station（NASDAQ: GEMI）).
        if !matches!(&*v.mic, "XTKS" | "XNGO" | "XSAP" | "XFKA") && known.is_none() {
            if let Some(span) = english_name_before(ctx.text, name_end)
                && !covered.overlaps(span)
                && !matches!(&ctx.text[span.range()], "ADR" | "ADS" | "GDR")
            {
                covered.insert(span);
                companies.push(unlisted(ctx, span));
            }
            continue;
        }
        // A listed company's name as written: its last token, and katakana
        // tokens before it (not the description in front: 設計大手｜アーム).
        let katakana = |i: usize| {
            ctx.text[ctx.tokens[i].norm.range()]
                .chars()
                .all(is_katakana)
        };
        let mut first = end_token;
        while first > 0
            && end_token - first < 4
            && is_name_token(ctx, first - 1)
            && !describes(ctx, first - 1)
            && (first == end_token
                || ctx.tokens[first - 1].norm.end == ctx.tokens[first].norm.start
                    && (known.is_none() || katakana(first - 1)))
        {
            first -= 1;
        }
        if first == end_token {
            continue;
        }
        let span = Span::new(ctx.tokens[first].norm.start, name_end);
        // The listed company already found at the start of the run of name
        // tokens before the bracket (東方財富|信息（SZSE: 300059）,
        // コストコ・ホールセール（Nasdaq: COST）) is named by the whole run.
        if let Some(i) = known
            && let Some(found) = extended_listed(ctx, companies, first, &g.companies[i].id)
        {
            let f = &mut companies[found];
            f.span = Span::new(f.span.start, name_end);
            if let EntityValue::Company(c) = &mut f.value {
                c.matched_alias = Cow::Owned(ctx.text[f.span.range()].to_string());
            }
            covered.insert(span);
            continue;
        }
        let name = &ctx.text[span.range()];
        // A legal form on its own is not a name (パナソニック ホールディングス＜6752＞),
        // nor is the kind of security (香港上場株（SEHK: 9988）, ADR), nor the
        // rest of a name already found (蔚来|汽車（NYSE: NIO）).
        if covered.overlaps(span)
            || COMPANY_TAILS.contains(&name)
            || name.ends_with('株')
            || matches!(name, "ADR" | "ADS" | "GDR" | "株式")
            || covered.overlaps(Span::new(span.start.saturating_sub(1), span.start))
        {
            continue;
        }
        covered.insert(span);
        companies.push(match known {
            Some(i) => {
                let c = &g.companies[i];
                Found::found(
                    span,
                    EntityValue::Company(CompanyValue {
                        id: Some(Cow::Borrowed(&c.id)),
                        name: Cow::Borrowed(&c.name),
                        matched_alias: Cow::Owned(ctx.text[span.range()].to_string()),
                        parent: c.parent.as_deref().map(Cow::Borrowed),
                    }),
                )
            }
            None => unlisted(ctx, span),
        });
    }
}

/// Legal forms that can come before the name (株式会社X) as well as after it.
const LEGAL_PREFIXES: &[&str] = &["株式会社", "(株)", "（株）", "㈱", "有限会社", "合同会社"];

/// Whether token `i` can continue a name after a legal-form prefix
/// (株式会社みらい物流: a prefix, nouns, suffix nouns, ASCII words).
fn continues_name(ctx: &Context<'_>, i: usize) -> bool {
    let t = &ctx.tokens[i];
    let [pos, p1, ..] = *t.features;
    let surface = &ctx.text[t.norm.range()];
    (pos == "名詞" && !matches!(p1, "非自立" | "代名詞") || pos == "接頭詞")
        && !surface
            .chars()
            .all(|c| c.is_ascii_punctuation() || c.is_whitespace())
        && !matches!(surface, "同社" | "当社" | "子会社" | "親会社")
}

/// The last token of the name that starts at token `first`, right after a
/// legal-form prefix: up to six tokens, ending on a name token. A name
/// written in hiragana (株式会社さざなみフーズ, 株式会社ながら製作所) comes out of
/// IPADIC as odd pieces (suffixes, verbs, even a particle), so hiragana
/// pieces are taken too, as long as the name goes on after them or they
/// make a name of three or more characters before a particle; a case or
/// binding particle right after the prefix (株式会社の設立, 株式会社まで成長)
/// ends it.
fn name_after_prefix(ctx: &Context<'_>, first: usize) -> Option<usize> {
    let tokens = ctx.tokens;
    // The prefix may end the text (`…の社名は株式会社`).
    if first >= tokens.len() {
        return None;
    }
    let hiragana = |i: usize| {
        let surface = &ctx.text[tokens[i].norm.range()];
        surface.chars().all(|c| matches!(c, 'ぁ'..='ゖ' | 'ー'))
    };
    // A particle that ends a name rather than continuing one (ながら in
    // 株式会社ながら製作所 is a name piece; の, は, まで are not).
    let particle = |i: usize| {
        let [pos, p1, ..] = *tokens[i].features;
        pos == "助詞" && p1 != "接続助詞" || pos == "助動詞"
    };
    // A hiragana word that may open a phrase (すべて, ほか, あした) makes a
    // name only before particles and a katakana or Latin piece
    // (株式会社あしたのチーム; not 株式会社すべての部門, 株式会社ほか3社).
    let adverbial = hiragana(first)
        && tokens[first].features[0] == "名詞"
        && matches!(tokens[first].features[1], "副詞可能" | "代名詞");
    let foreign_piece = |l: usize| {
        ctx.text[tokens[l].norm.range()]
            .chars()
            .all(|c| is_katakana(c) || c.is_ascii_alphanumeric())
    };
    // A name may open with a kana IPADIC reads as a particle
    // (株式会社はなまる住建: は|なまる|住|建) when a hiragana word that does
    // not follow a particle in prose comes next (このほど, いずれ, この do);
    // such a name must then end in a name piece.
    let leading_particle = first + 1 < tokens.len()
        && particle(first)
        && hiragana(first)
        && hiragana(first + 1)
        && tokens[first + 1].norm.start == tokens[first].norm.end
        && {
            let [pos, p1, ..] = *tokens[first + 1].features;
            match pos {
                "名詞" => !matches!(p1, "副詞可能" | "代名詞" | "非自立"),
                "連体詞" | "副詞" | "接続詞" | "感動詞" | "助詞" | "助動詞" | "形容詞" => {
                    false
                }
                _ => true,
            }
        };
    // A name that opens with a hiragana noun or verb may hold particles
    // (株式会社ことのは技研: こと|の|は|技研), and must then also end in a
    // name piece.
    let inner_particles = !particle(first) && hiragana(first) && {
        let [pos, p1, ..] = *tokens[first].features;
        pos == "動詞" || (pos == "名詞" && p1 != "接尾")
    };
    let mut last = None;
    let mut last_particle = None;
    let mut hiragana_run = 0;
    let mut i = first;
    while i < tokens.len()
        && i - first < 6
        && (i == first || tokens[i].norm.start == tokens[i - 1].norm.end)
    {
        if continues_name(ctx, i) && (i > first || (tokens[i].features[1] != "接尾" && !adverbial))
        {
            last = Some(i);
            hiragana_run = 0;
        } else if hiragana(i) && !particle(i) {
            hiragana_run += ctx.text[tokens[i].norm.range()].chars().count();
        } else if hiragana(i)
            && last.is_none()
            && (if i == first {
                leading_particle
            } else {
                inner_particles
            })
        {
            hiragana_run += ctx.text[tokens[i].norm.range()].chars().count();
            last_particle = Some(i);
        } else {
            break;
        }
        i += 1;
    }
    // A name in hiragana alone (株式会社しまむらは): the pieces up to a
    // particle, if they are long enough not to be a word of the sentence.
    // (Not a suffix word alone: 株式会社ならではの強み.)
    let lone_suffix = i == first + 1 && tokens[first].features[1] == "接尾";
    if let Some(p) = last_particle {
        return last
            .filter(|&l| l > p + usize::from(p == first) && (!adverbial || foreign_piece(l)));
    }
    if adverbial {
        return None;
    }
    if hiragana_run >= 3
        && !lone_suffix
        && last.is_none_or(|l| l + 1 < i)
        && (i >= tokens.len() || particle(i))
    {
        return Some(i - 1);
    }
    last
}

/// `株式会社X`, `X株式会社`, `Xホールディングス`, `X HD`, `Xフィナンシャルグループ`,
/// `X Inc.`: companies by legal form.
fn extract_patterns(ctx: &Context<'_>, marks: &[(usize, usize, usize)], out: &mut Vec<Found>) {
    let mut covered: SpanSet = out.iter().map(|c| c.span).collect();
    let tokens = ctx.tokens;
    let text = ctx.text;
    let mut found = |span: Span, out: &mut Vec<Found>| {
        if !covered.overlaps(span) {
            covered.insert(span);
            out.push(unlisted(ctx, span));
        }
    };
    // Each legal form (and グループ, which may end a longer token:
    // フィナンシャルグループ) the name index found, then the tokens
    // around it.
    let mut next_free = 0;
    let mut english = Vec::new();
    for &(m_start, m_end, mark) in marks {
        let group = match LEGAL_MARKS[mark].1 {
            LegalMark::English => {
                english.push((m_start, m_end));
                continue;
            }
            LegalMark::Group => true,
            LegalMark::Form => false,
        };
        // The token the hit starts in.
        let i = tokens.partition_point(|k| k.norm.end <= m_start);
        if i < next_free || i >= tokens.len() {
            continue;
        }
        let t = &tokens[i];
        let surface = &text[t.norm.range()];
        // A legal form starts a token and ends one (合同｜会社); グループ ends its token,
        // and so does a katakana form ending an unknown katakana word
        // (コチ・ホールディング, which IPADIC keeps whole).
        let last = tokens[i..].partition_point(|k| k.norm.end <= m_end) + i;
        let head = &text[t.norm.start..m_start];
        let inside_unknown = !group
            && t.unknown
            && t.norm.end == m_end
            && head.trim_end_matches('・').chars().count() >= 2
            && head.chars().all(is_katakana);
        let form_end = if group || inside_unknown {
            if t.norm.end != m_end {
                continue;
            }
            i + 1
        } else if t.norm.start == m_start && last > i && tokens[last - 1].norm.end == m_end {
            last
        } else {
            continue;
        };
        next_free = form_end;
        // X株式会社 / Xホールディングス / Xグループ: up to four name tokens
        // before (a suffix noun may follow the first: 三ツ星).
        let mut first = i;
        let dot = |k: usize| &text[tokens[k].norm.range()] == "・";
        while first > 0
            && i - first < 5
            && tokens[first - 1].norm.end == tokens[first].norm.start
            && !describes(ctx, first - 1)
            && (is_name_token(ctx, first - 1)
                || first - 1 > 0
                    && (tokens[first - 1].features[1] == "接尾" || dot(first - 1))
                    && is_name_token(ctx, first - 2))
        {
            first -= 1;
        }
        let end = tokens[form_end - 1].norm.end;
        let span = if group {
            // Groups are common nouns too (企業グループ): only after a proper
            // or unknown name, or as a compound (白鷺｜フィナンシャルグループ).
            let named = tokens[first..i]
                .iter()
                .any(|k| k.unknown || k.features[1] == "固有名詞");
            // Or a name the dictionary lacks, written with it in one token
            // (大手｜ヴァロワ・グループ).
            let own_name = (t.unknown || t.features[1] == "固有名詞")
                && head.trim_end_matches('・').chars().count() >= 2;
            (first < i && (named || surface != "グループ") || first == i && own_name)
                .then(|| Span::new(tokens[first].norm.start, end))
        } else if first < i || inside_unknown {
            Some(Span::new(tokens[first].norm.start, end))
        } else if LEGAL_PREFIXES
            .iter()
            .any(|p| text[t.norm.start..end] == **p)
        {
            // 株式会社X: up to six name tokens after.
            name_after_prefix(ctx, form_end)
                .map(|last| Span::new(t.norm.start, tokens[last].norm.end))
        } else {
            None
        };
        if let Some(span) = span {
            found(span, out);
        }
    }
    for span in english_legal_names(text, &english) {
        found(span, out);
    }
}

/// `Northwind Analytics Inc.`, `Aurora Quantum Technologies, Inc.`: up to
/// five capitalized ASCII words before an English legal suffix (`suffixes`,
/// as `(start, end)`).
fn english_legal_names(text: &str, suffixes: &[(usize, usize)]) -> Vec<Span> {
    let word_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '&' | '-' | '.' | '\'');
    let mut out = Vec::new();
    for &(m_start, m_end) in suffixes {
        if text[m_end..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        // `, ` or ` ` before the suffix.
        let Some(head) = text[..m_start].strip_suffix(' ') else {
            continue;
        };
        let head = head.strip_suffix(',').unwrap_or(head);
        // Up to five capitalized words, one space apart.
        let mut start = None;
        let mut cursor = head.len();
        for _ in 0..5 {
            let word_start = text[..cursor]
                .char_indices()
                .rev()
                .find(|&(_, c)| !word_char(c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            if !text[word_start..cursor]
                .starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
            {
                break;
            }
            start = Some(word_start);
            if !text[..word_start].ends_with(' ') {
                break;
            }
            cursor = word_start - 1;
        }
        if let Some(start) = start {
            out.push(Span::new(start, m_end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::RawToken;

    #[test]
    fn every_deal_word_is_marked_and_starts_with_a_listed_first_char() {
        for d in DEALS {
            assert!(DEAL_FIRST_CHARS.iter().any(|&c| d.starts_with(c)), "{d}");
            assert!(
                super::super::DEAL_MARKS.iter().any(|m| d.contains(m)),
                "{d}"
            );
        }
        // (The count that splits them off the other marks is right.)
        assert_eq!(super::super::DEAL_MARKS[0], "買収");
    }

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
            names: Default::default(),
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
