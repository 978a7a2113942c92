//! Fiscal periods: `2025年3月期`, `通期`, `上期`/`下期`, `第2四半期`,
//! `4～6月期`. Quarters given by months assume the March fiscal year most
//! Japanese companies use; `2025年度` is the year from April 2025 and is named
//! by the year it ends (2026), like `2026年3月期`.

use std::borrow::Cow;

use once_cell::sync::Lazy;
use regex::Regex;

use super::{Context, EntityValue, Found, PeriodValue, ValueText};
use crate::span::Span;

/// Anchored: tried only where a period can start (see [`next_period`]).
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

/// The leftmost period starting at or after `from`, with where it starts
/// (the captures are relative to that). Only the few places shortly before
/// each 期 or 度 where a period can start are tried, not the whole text.
fn next_period(text: &str, mut from: usize) -> Option<(usize, regex::Captures<'_>)> {
    loop {
        let anchor = from + text[from..].find(['期', '度'])?;
        let mut start = anchor.saturating_sub(MAX_LEAD).max(from);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        // A period starting before `start` would need a 期/度 before
        // `anchor`; one starting after `anchor` has a later one.
        let found = text[start..anchor]
            .char_indices()
            .filter(|&(_, c)| starts_period(c))
            .find_map(|(i, _)| {
                let at = start + i;
                PERIOD.captures(&text[at..]).map(|caps| (at, caps))
            });
        if found.is_some() {
            return found;
        }
        from = anchor + '期'.len_utf8();
    }
}

pub(crate) fn extract(ctx: &Context<'_>, out: &mut Vec<Found>) {
    let mut from = 0;
    while let Some((at, caps)) = next_period(ctx.text, from) {
        let Some(all) = caps.get(0) else { break };
        let span = Span::new(at + all.start(), at + all.end());
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
        let get = |name: &str| caps.name(name).map(|m| m.as_str());
        let value = if let (Some(fy), Some(fm)) = (get("fy"), get("fm")) {
            let (Some(y), Ok(m)) = (year(fy), fm.parse::<u32>()) else {
                continue;
            };
            if !(1..=12).contains(&m) {
                continue;
            }
            let (period, end) = if let Some(q) = get("q1").and_then(quarter_digit) {
                (quarter(q), None)
            } else if get("h1").is_some() {
                (Cow::Borrowed("H1"), None)
            } else if get("h2").is_some() {
                (Cow::Borrowed("H2"), Some(format!("{y}-{m:02}")))
            } else {
                (Cow::Borrowed("FY"), Some(format!("{y}-{m:02}")))
            };
            PeriodValue {
                fiscal_year: Some(y),
                period,
                period_end: end,
            }
        } else if let Some(n) = get("nendo").and_then(year) {
            PeriodValue {
                fiscal_year: Some(n + 1),
                period: match (get("q1").and_then(quarter_digit), get("h1"), get("h2")) {
                    (Some(q), _, _) => quarter(q),
                    (_, Some(_), _) => Cow::Borrowed("H1"),
                    (_, _, Some(_)) => Cow::Borrowed("H2"),
                    _ => Cow::Borrowed("FY"),
                },
                period_end: Some(format!("{}-03", n + 1)),
            }
        } else if let Some(q) = get("q").and_then(quarter_digit) {
            PeriodValue {
                fiscal_year: None,
                period: quarter(q),
                period_end: None,
            }
        } else if get("h").is_some() || get("hh").is_some() || get("full").is_some() {
            let period = if get("h").is_some() {
                "H1"
            } else if get("hh").is_some() {
                "H2"
            } else {
                "FY"
            };
            PeriodValue {
                fiscal_year: None,
                period: Cow::Borrowed(period),
                period_end: None,
            }
        } else if let (Some(m1), Some(m2)) = (get("m1"), get("m2")) {
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
            let calendar_year = get("my").and_then(year);
            PeriodValue {
                fiscal_year: calendar_year.map(|y| if b <= 3 { y } else { y + 1 }),
                period: quarter(q),
                period_end: calendar_year.map(|y| format!("{y}-{b:02}")),
            }
        } else {
            continue;
        };
        out.push(Found {
            span,
            value: EntityValue::Period(value),
        });
    }
}
