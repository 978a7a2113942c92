//! Fiscal periods: `2025年3月期`, `通期`, `上期`/`下期`, `第2四半期`,
//! `4～6月期`. Quarters given by months assume the March fiscal year most
//! Japanese companies use; `2025年度` is the year from April 2025 and is named
//! by the year it ends (2026), like `2026年3月期`.

use std::borrow::Cow;

use once_cell::sync::Lazy;
use regex::Regex;

use super::{Context, EntityValue, Found, MARKS, PeriodValue, ValueText};
use crate::span::Span;

/// Anchored: tried only where a period can start (see [`period_before`]).
static PERIOD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"^(?:",
        r"(?:(?P<fy>[0-9]{4}|[0-9]{2})年(?P<fm>[0-9]{1,2})月期|(?P<nendo>[0-9]{4})年度)",
        r"(?:[ \t\n]*(?:第(?P<q1>[1-4一二三四])四半期|(?P<h1>上期|上半期|中間期|第2四半期累計)|(?P<h2>下期|下半期)|(?P<full1>通期)))?",
        r"|第(?P<q>[1-4一二三四])四半期",
        r"|(?P<h>上期|上半期|中間期)|(?P<hh>下期|下半期)|(?P<full>通期)",
        r"|(?:(?P<my>[0-9]{4})年)?(?P<m1>[0-9]{1,2})[～〜~\-](?P<m2>[0-9]{1,2})月期",
        r")",
    ))
    .expect("valid regex")
});

/// Capture group numbers of [`PERIOD`], looked up once by name.
struct Groups {
    fy: usize,
    fm: usize,
    nendo: usize,
    q1: usize,
    h1: usize,
    h2: usize,
    q: usize,
    h: usize,
    hh: usize,
    full: usize,
    my: usize,
    m1: usize,
    m2: usize,
}

static GROUPS: Lazy<Groups> = Lazy::new(|| {
    let index = |name: &str| {
        PERIOD
            .capture_names()
            .position(|n| n == Some(name))
            .expect("named group of PERIOD")
    };
    Groups {
        fy: index("fy"),
        fm: index("fm"),
        nendo: index("nendo"),
        q1: index("q1"),
        h1: index("h1"),
        h2: index("h2"),
        q: index("q"),
        h: index("h"),
        hh: index("hh"),
        full: index("full"),
        my: index("my"),
        m1: index("m1"),
        m2: index("m2"),
    }
});

fn quarter_digit(s: &str) -> Option<u32> {
    match s {
        "1" | "一" => Some(1),
        "2" | "二" => Some(2),
        "3" | "三" => Some(3),
        "4" | "四" => Some(4),
        _ => None,
    }
}

/// `Q1` … `Q4` for a quarter number from [`quarter_digit`].
fn quarter(q: u32) -> ValueText {
    const QUARTERS: [&str; 4] = ["Q1", "Q2", "Q3", "Q4"];
    QUARTERS
        .get((q as usize).wrapping_sub(1))
        .map_or_else(|| Cow::Owned(format!("Q{q}")), |&name| Cow::Borrowed(name))
}

fn year(s: &str) -> Option<i32> {
    let y: i32 = s.parse().ok()?;
    Some(if y < 100 { 2000 + y } else { y })
}

/// Every period names 期 or 年度, and starts at most this many bytes before
/// one.
const MAX_LEAD: usize = 24;

/// Whether a period can start with `c`.
fn starts_period(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '第' | '上' | '中' | '下' | '通')
}

/// Whether [`PERIOD`] can hold `c` before its last 期 or 度.
fn in_period(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '年' | '月'
                | '期'
                | '度'
                | '第'
                | '一'
                | '二'
                | '三'
                | '四'
                | '半'
                | '上'
                | '下'
                | '中'
                | '間'
                | '累'
                | '計'
                | '通'
                | '～'
                | '〜'
                | '~'
                | '-'
                | ' '
                | '\t'
                | '\n'
        )
}

/// Where the leftmost period starting at or after `from` whose 期 or 度 is
/// at or after `anchor` starts; its groups are left in `locs`, relative to
/// that start (one set of locations serves every try: no allocation). Only
/// the few places shortly before the anchor where a period can start are
/// tried, not the whole text.
fn period_before(
    text: &str,
    from: usize,
    anchor: usize,
    locs: &mut regex::CaptureLocations,
) -> Option<usize> {
    let mut start = anchor.saturating_sub(MAX_LEAD).max(from);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    // A period starting before `start` would need a 期/度 before `anchor`;
    // one starting after `anchor` has a later one. Every character from
    // its start to `anchor` is one [`PERIOD`] can hold, so only starts in
    // the run of such characters ending at `anchor` are tried (期待,
    // 長期, 同期 have none).
    let run = text[start..anchor]
        .char_indices()
        .rev()
        .find(|&(_, c)| !in_period(c))
        .map_or(start, |(i, c)| start + i + c.len_utf8());
    text[run..anchor]
        .char_indices()
        .filter(|&(_, c)| starts_period(c))
        .find_map(|(i, _)| {
            let at = run + i;
            PERIOD.captures_read(locs, &text[at..]).map(|_| at)
        })
}

pub(crate) fn extract(ctx: &Context<'_>, out: &mut Vec<Found>) {
    let g = &*GROUPS;
    let mut from = 0;
    // Starts before the previous anchor were tried for it already.
    let mut tried = 0;
    let mut locs = PERIOD.capture_locations();
    let anchors = ctx.names.marks.iter().filter_map(|&(start, end, mark)| {
        matches!(MARKS[mark], "期" | "度").then_some((start, end))
    });
    for (anchor_start, anchor_end) in anchors {
        if anchor_start < from {
            continue;
        }
        let floor = from.max(tried);
        tried = anchor_end;
        let Some(at) = period_before(ctx.text, floor, anchor_start, &mut locs) else {
            continue;
        };
        let Some((all_start, all_end)) = locs.get(0) else {
            break;
        };
        let span = Span::new(at + all_start, at + all_end);
        // A match is never empty; step past it (or one character).
        from = if span.end > span.start {
            span.end
        } else {
            span.end
                + ctx.text[span.end..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8)
        };
        if from > ctx.text.len() {
            break;
        }
        let get = |group: usize| locs.get(group).map(|(s, e)| &ctx.text[at + s..at + e]);
        let value = if let (Some(fy), Some(fm)) = (get(g.fy), get(g.fm)) {
            let (Some(y), Ok(m)) = (year(fy), fm.parse::<u32>()) else {
                continue;
            };
            if !(1..=12).contains(&m) {
                continue;
            }
            let (period, end) = if let Some(q) = get(g.q1).and_then(quarter_digit) {
                (quarter(q), None)
            } else if get(g.h1).is_some() {
                (Cow::Borrowed("H1"), None)
            } else if get(g.h2).is_some() {
                (Cow::Borrowed("H2"), Some(format!("{y}-{m:02}")))
            } else {
                (Cow::Borrowed("FY"), Some(format!("{y}-{m:02}")))
            };
            PeriodValue {
                fiscal_year: Some(y),
                period,
                period_end: end,
            }
        } else if let Some(n) = get(g.nendo).and_then(year) {
            PeriodValue {
                fiscal_year: Some(n + 1),
                period: match (get(g.q1).and_then(quarter_digit), get(g.h1), get(g.h2)) {
                    (Some(q), _, _) => quarter(q),
                    (_, Some(_), _) => Cow::Borrowed("H1"),
                    (_, _, Some(_)) => Cow::Borrowed("H2"),
                    _ => Cow::Borrowed("FY"),
                },
                period_end: Some(format!("{}-03", n + 1)),
            }
        } else if let Some(q) = get(g.q).and_then(quarter_digit) {
            PeriodValue {
                fiscal_year: None,
                period: quarter(q),
                period_end: None,
            }
        } else if get(g.h).is_some() || get(g.hh).is_some() || get(g.full).is_some() {
            let period = if get(g.h).is_some() {
                "H1"
            } else if get(g.hh).is_some() {
                "H2"
            } else {
                "FY"
            };
            PeriodValue {
                fiscal_year: None,
                period: Cow::Borrowed(period),
                period_end: None,
            }
        } else if let (Some(m1), Some(m2)) = (get(g.m1), get(g.m2)) {
            let (Ok(a), Ok(b)) = (m1.parse::<u32>(), m2.parse::<u32>()) else {
                continue;
            };
            // Three-month spans only: 4～6, 7～9, 10～12, 1～3.
            let q = match (a, b) {
                (4, 6) => 1,
                (7, 9) => 2,
                (10, 12) => 3,
                (1, 3) => 4,
                _ => continue,
            };
            let calendar_year = get(g.my).and_then(year);
            PeriodValue {
                fiscal_year: calendar_year.map(|y| if b <= 3 { y } else { y + 1 }),
                period: quarter(q),
                period_end: calendar_year.map(|y| format!("{y}-{b:02}")),
            }
        } else {
            continue;
        };
        out.push(Found::found(span, EntityValue::Period(value)));
    }
}
