//! Fiscal periods: `2025年3月期`, `通期`, `上期`/`下期`, `第2四半期`,
//! `4～6月期`. Quarters given by months assume the March fiscal year most
//! Japanese companies use; `2025年度` is the year from April 2025 and is named
//! by the year it ends (2026), like `2026年3月期`.

use std::borrow::Cow;

use super::{Context, EntityValue, Found, MARKS, PeriodValue, ValueText};
use crate::span::Span;

/// A part of a fiscal year named on its own or after the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// `第2四半期`: the quarter's number.
    Quarter(u32),
    /// `上期`, `上半期`, `中間期`.
    FirstHalf,
    /// `下期`, `下半期`.
    SecondHalf,
    /// `通期`.
    Full,
}

/// What a period says, as [`read_period`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading<'t> {
    /// `2025年3月期` (with `month`) or `2025年度` (without), and the part of
    /// that year written after it (`2025年3月期第2四半期`).
    Fiscal {
        year: &'t str,
        month: Option<&'t str>,
        part: Option<Part>,
    },
    /// `第2四半期`, `上期`, `下期`, `通期` alone.
    Part(Part),
    /// `2025年4～6月期`, `4～6月期`: the first and last month.
    Months {
        year: Option<&'t str>,
        first: &'t str,
        last: &'t str,
    },
}

/// The first `n` bytes of `s` when they are all ASCII digits.
fn digits(s: &str, n: usize) -> Option<&str> {
    let head = s.as_bytes().get(..n)?;
    head.iter().all(u8::is_ascii_digit).then(|| &s[..n])
}

/// A month of one or two digits at the start of `s` followed by `tail`:
/// the month and what follows `tail`.
fn month_then<'t>(s: &'t str, tail: &str) -> Option<(&'t str, &'t str)> {
    [2, 1].into_iter().find_map(|n| {
        let month = digits(s, n)?;
        Some((month, s[n..].strip_prefix(tail)?))
    })
}

/// The part of a year at the start of `s` and its length (`第2四半期累計`
/// reads as `第2四半期`).
fn part_at(s: &str) -> Option<(usize, Part)> {
    if let Some(rest) = s.strip_prefix('第')
        && let Some(c) = rest.chars().next()
        && let Some(q) = quarter_digit(c)
        && let Some(after) = rest[c.len_utf8()..].strip_prefix("四半期")
    {
        return Some((s.len() - after.len(), Part::Quarter(q)));
    }
    const NAMES: [(&str, Part); 6] = [
        ("上期", Part::FirstHalf),
        ("上半期", Part::FirstHalf),
        ("中間期", Part::FirstHalf),
        ("下期", Part::SecondHalf),
        ("下半期", Part::SecondHalf),
        ("通期", Part::Full),
    ];
    NAMES
        .iter()
        .find(|(name, _)| s.starts_with(name))
        .map(|&(name, part)| (name.len(), part))
}

/// A month range at the start of `s` (`4～6月期`): its months and length.
fn month_range(s: &str) -> Option<(&str, &str, usize)> {
    [2, 1].into_iter().find_map(|n| {
        let first = digits(s, n)?;
        let rest = &s[n..];
        let dash = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '～' | '〜' | '~' | '-'))?;
        let (last, after) = month_then(&rest[dash.len_utf8()..], "月期")?;
        Some((first, last, s.len() - after.len()))
    })
}

/// The period at the start of `s` and its length. Written forms are tried
/// in a fixed order, the first that reads wins: a fiscal year (`2025年3月期`,
/// `25年3月期`, `2025年度`) with the part after it, a part alone, a month
/// range with or without its year.
fn read_period(s: &str) -> Option<(usize, Reading<'_>)> {
    let fiscal = [4, 2]
        .into_iter()
        .find_map(|n| {
            let year = digits(s, n)?;
            let (month, after) = month_then(s[n..].strip_prefix('年')?, "月期")?;
            Some((year, Some(month), s.len() - after.len()))
        })
        .or_else(|| {
            let year = digits(s, 4)?;
            let after = s[4..].strip_prefix("年度")?;
            Some((year, None, s.len() - after.len()))
        });
    if let Some((year, month, end)) = fiscal {
        let rest = &s[end..];
        let trimmed = rest.trim_start_matches([' ', '\t', '\n']);
        let (len, part) = match part_at(trimmed) {
            Some((len, part)) => (s.len() - trimmed.len() + len, Some(part)),
            None => (end, None),
        };
        return Some((len, Reading::Fiscal { year, month, part }));
    }
    if let Some((len, part)) = part_at(s) {
        return Some((len, Reading::Part(part)));
    }
    let dated = digits(s, 4).and_then(|year| {
        let rest = s[4..].strip_prefix('年')?;
        let (first, last, len) = month_range(rest)?;
        Some((
            s.len() - rest.len() + len,
            Reading::Months {
                year: Some(year),
                first,
                last,
            },
        ))
    });
    dated.or_else(|| {
        let (first, last, len) = month_range(s)?;
        Some((
            len,
            Reading::Months {
                year: None,
                first,
                last,
            },
        ))
    })
}

fn quarter_digit(c: char) -> Option<u32> {
    match c {
        '1' | '一' => Some(1),
        '2' | '二' => Some(2),
        '3' | '三' => Some(3),
        '4' | '四' => Some(4),
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

/// Whether a period can hold `c` before its last 期 or 度.
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

/// The leftmost period starting at or after `from` whose 期 or 度 is at or
/// after `anchor`: where it starts, its length and what it says. Only the
/// few places shortly before the anchor where a period can start are tried,
/// not the whole text.
fn period_before(text: &str, from: usize, anchor: usize) -> Option<(usize, usize, Reading<'_>)> {
    let mut start = anchor.saturating_sub(MAX_LEAD).max(from);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    // A period starting before `start` would need a 期/度 before `anchor`;
    // one starting after `anchor` has a later one. Every character from
    // its start to `anchor` is one a period can hold, so only starts in
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
            read_period(&text[at..]).map(|(len, reading)| (at, len, reading))
        })
}

/// The value of a period.
fn value_of(reading: Reading<'_>) -> Option<PeriodValue> {
    Some(match reading {
        Reading::Fiscal {
            year: fy,
            month: Some(fm),
            part,
        } => {
            let (Some(y), Ok(m)) = (year(fy), fm.parse::<u32>()) else {
                return None;
            };
            if !(1..=12).contains(&m) {
                return None;
            }
            let (period, end) = match part {
                Some(Part::Quarter(q)) => (quarter(q), None),
                Some(Part::FirstHalf) => (Cow::Borrowed("H1"), None),
                Some(Part::SecondHalf) => (Cow::Borrowed("H2"), Some(format!("{y}-{m:02}"))),
                Some(Part::Full) | None => (Cow::Borrowed("FY"), Some(format!("{y}-{m:02}"))),
            };
            PeriodValue {
                fiscal_year: Some(y),
                period,
                period_end: end,
            }
        }
        Reading::Fiscal {
            year: nendo,
            month: None,
            part,
        } => {
            let n = year(nendo)?;
            PeriodValue {
                fiscal_year: Some(n + 1),
                period: match part {
                    Some(Part::Quarter(q)) => quarter(q),
                    Some(Part::FirstHalf) => Cow::Borrowed("H1"),
                    Some(Part::SecondHalf) => Cow::Borrowed("H2"),
                    Some(Part::Full) | None => Cow::Borrowed("FY"),
                },
                period_end: Some(format!("{}-03", n + 1)),
            }
        }
        Reading::Part(part) => PeriodValue {
            fiscal_year: None,
            period: match part {
                Part::Quarter(q) => quarter(q),
                Part::FirstHalf => Cow::Borrowed("H1"),
                Part::SecondHalf => Cow::Borrowed("H2"),
                Part::Full => Cow::Borrowed("FY"),
            },
            period_end: None,
        },
        Reading::Months {
            year: calendar,
            first,
            last,
        } => {
            let (Ok(a), Ok(b)) = (first.parse::<u32>(), last.parse::<u32>()) else {
                return None;
            };
            // Three-month spans only: 4～6, 7～9, 10～12, 1～3.
            let q = match (a, b) {
                (4, 6) => 1,
                (7, 9) => 2,
                (10, 12) => 3,
                (1, 3) => 4,
                _ => return None,
            };
            let calendar_year = calendar.and_then(year);
            PeriodValue {
                fiscal_year: calendar_year.map(|y| if b <= 3 { y } else { y + 1 }),
                period: quarter(q),
                period_end: calendar_year.map(|y| format!("{y}-{b:02}")),
            }
        }
    })
}

pub(crate) fn extract(ctx: &Context<'_>, out: &mut Vec<Found>) {
    let mut from = 0;
    // Starts before the previous anchor were tried for it already.
    let mut tried = 0;
    let anchors = ctx.names.marks.iter().filter_map(|&(start, end, mark)| {
        matches!(MARKS[mark], "期" | "度").then_some((start, end))
    });
    for (anchor_start, anchor_end) in anchors {
        if anchor_start < from {
            continue;
        }
        let floor = from.max(tried);
        tried = anchor_end;
        let Some((at, len, reading)) = period_before(ctx.text, floor, anchor_start) else {
            continue;
        };
        // A period is never empty: the next starts after it.
        let span = Span::new(at, at + len);
        from = span.end;
        if let Some(value) = value_of(reading) {
            out.push(Found::found(span, EntityValue::Period(value)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The pattern the reader replaced (it reads the same text in the same
    /// order of preference, at a tenth of the cost): the oracle of the
    /// property below.
    const PATTERN: &str = concat!(
        r"^(?:",
        r"(?:(?P<fy>[0-9]{4}|[0-9]{2})年(?P<fm>[0-9]{1,2})月期|(?P<nendo>[0-9]{4})年度)",
        r"(?:[ \t\n]*(?:第(?P<q1>[1-4一二三四])四半期|(?P<h1>上期|上半期|中間期|第2四半期累計)|(?P<h2>下期|下半期)|(?P<full1>通期)))?",
        r"|第(?P<q>[1-4一二三四])四半期",
        r"|(?P<h>上期|上半期|中間期)|(?P<hh>下期|下半期)|(?P<full>通期)",
        r"|(?:(?P<my>[0-9]{4})年)?(?P<m1>[0-9]{1,2})[～〜~\-](?P<m2>[0-9]{1,2})月期",
        r")",
    );

    static PERIOD_PATTERN: once_cell::sync::Lazy<regex::Regex> =
        once_cell::sync::Lazy::new(|| regex::Regex::new(PATTERN).unwrap());

    /// What the pattern reads at the start of `s`, in the reader's terms.
    fn by_pattern<'t>(re: &regex::Regex, s: &'t str) -> Option<(usize, Reading<'t>)> {
        let c = re.captures(s)?;
        let get = |name: &str| c.name(name).map(|m| m.as_str());
        let part = |q: &str, h1: &str, h2: &str, full: &str| {
            if let Some(q) = get(q) {
                Some(Part::Quarter(
                    quarter_digit(q.chars().next().unwrap()).unwrap(),
                ))
            } else if get(h1).is_some() {
                Some(Part::FirstHalf)
            } else if get(h2).is_some() {
                Some(Part::SecondHalf)
            } else if get(full).is_some() {
                Some(Part::Full)
            } else {
                None
            }
        };
        let reading = if let Some(year) = get("fy").or(get("nendo")) {
            Reading::Fiscal {
                year,
                month: get("fm"),
                part: part("q1", "h1", "h2", "full1"),
            }
        } else if let Some(first) = get("m1") {
            Reading::Months {
                year: get("my"),
                first,
                last: get("m2").unwrap(),
            }
        } else {
            Reading::Part(part("q", "h", "hh", "full").unwrap())
        };
        Some((c[0].len(), reading))
    }

    #[test]
    fn reads_each_form() {
        let read = |s| read_period(s).map(|(len, r)| (&s[..len], r));
        assert_eq!(
            read("2025年3月期 第2四半期の"),
            Some((
                "2025年3月期 第2四半期",
                Reading::Fiscal {
                    year: "2025",
                    month: Some("3"),
                    part: Some(Part::Quarter(2))
                }
            ))
        );
        assert_eq!(
            read("25年12月期通期"),
            Some((
                "25年12月期通期",
                Reading::Fiscal {
                    year: "25",
                    month: Some("12"),
                    part: Some(Part::Full)
                }
            ))
        );
        assert_eq!(
            read("2025年度上半期"),
            Some((
                "2025年度上半期",
                Reading::Fiscal {
                    year: "2025",
                    month: None,
                    part: Some(Part::FirstHalf)
                }
            ))
        );
        assert_eq!(
            read("2024年10～12月期は"),
            Some((
                "2024年10～12月期",
                Reading::Months {
                    year: Some("2024"),
                    first: "10",
                    last: "12"
                }
            ))
        );
        assert_eq!(
            read("第三四半期累計"),
            Some(("第三四半期", Reading::Part(Part::Quarter(3))))
        );
        assert_eq!(
            read("下半期"),
            Some(("下半期", Reading::Part(Part::SecondHalf)))
        );
        assert_eq!(read("2025年期"), None);
        assert_eq!(read("123年3月期"), None);
        assert_eq!(read("第5四半期"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// Text made of the pieces periods are made of reads as the
        /// pattern reads it, match and groups alike.
        #[test]
        fn reads_as_the_pattern_did(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    // Whole parts, so that long periods come up often …
                    "2025年", "25年", "3月期", "12月期", "2025年度", "第2四半期",
                    "第三四半期", "上期", "上半期", "中間期", "下期", "下半期", "通期",
                    "第2四半期累計", "4～6月期", "10-12月", "1〜3", "7~9月期",
                    // … and the characters they are made of.
                    "0", "1", "2", "4", "9", "12", "2025", "年", "月", "期", "度",
                    "第", "四半期", "四", "上", "下", "半", "通", "～", "-",
                    " ", "\n", "\t", "は",
                ]),
                0..8,
            )
        ) {
            let s = pieces.concat();
            prop_assert_eq!(read_period(&s), by_pattern(&PERIOD_PATTERN, &s), "{:?}", s);
        }
    }
}
