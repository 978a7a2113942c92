//! Percentages (`8%`, `3.97パーセント`, `3割5分`) and percentage points
//! (`2ポイント`), with the direction the predicate gives them (`12%増`,
//! `8%上昇`, `3%安`), the baseline (`前年比`) and the company they are about.

use std::borrow::Cow;

use once_cell::sync::Lazy;

use super::number::{Decimal, ParsedNumber};
use super::words::WordIndex;
use super::{Context, Direction, EntityValue, Found, PercentValue, SpanIndex, ValueText};
use crate::span::Span;

const PERCENT_UNITS: &[&str] = &["%", "パーセント", "％"];
/// Percentage points, and basis points in hundredths of one (the power of
/// ten to scale down by; a longer name first).
const POINT_UNITS: &[(&str, u32)] = &[
    ("ポイント", 0),
    ("pt", 0),
    ("pp", 0),
    ("ﾎﾟｲﾝﾄ", 0),
    ("ベーシスポイント", 2),
    ("bps", 2),
    ("bp", 2),
];
const RANGE_MARKS: &[char] = &['～', '〜', '~'];
/// Words that may stand between a figure and its predicate.
const BETWEEN: &[&str] = &[
    "程度",
    "前後",
    "近く",
    "超",
    "強",
    "弱",
    "ほど",
    "余り",
    "あまり",
    "以上",
    "も",
    "の",
    "大幅",
    "小幅",
    // 25bpの追加利下げ
    "追加",
    "それぞれ",
    "ずつ",
    // The level a move ends at (4.6%台に低下, 0.5%まで上昇).
    "台",
    "に",
    "へ",
    "まで",
];
pub(crate) const UP_WORDS: &[&str] = &[
    "上昇",
    "増加",
    "増収",
    "増益",
    "増",
    "高",
    "アップ",
    "上回",
    "引き上げ",
    "引上げ",
    "伸び",
    "拡大",
    "プラス",
    "上振れ",
    "反発",
    "急騰",
    "急伸",
    "値上がり",
    "上げ",
    "伸長",
    "改善",
    "続伸",
    "高騰",
    "膨ら",
    "値上げ",
    "利上げ",
    "上方修正",
    "押し上げ",
    "多い",
    "多く",
    "多か",
    "上が",
];
pub(crate) const DOWN_WORDS: &[&str] = &[
    "下落",
    "減少",
    "減収",
    "減益",
    "減",
    "安",
    "ダウン",
    "下回",
    "引き下げ",
    "引下げ",
    "縮小",
    "低下",
    "マイナス",
    "落ち込",
    "下振れ",
    "急落",
    "値下がり",
    "下げ",
    "反落",
    "目減り",
    "悪化",
    "続落",
    "下押し",
    "値下げ",
    "利下げ",
    "削減",
    "下方修正",
    "押し下げ",
    "低い",
    "低く",
    "低か",
    "少な",
    "下が",
];
pub(crate) const BASELINES: &[&str] = &[
    "前年同期比",
    "前年同月比",
    "前年同四半期比",
    "前四半期比",
    "前年度比",
    "前年比",
    "前期比",
    "前月比",
    "前週比",
    "前日比",
    "昨年比",
    "前年同期",
    "前年",
    "前期",
    "前日",
    "前月",
];

/// The first characters of every baseline.
const BASELINE_FIRST_CHARS: [char; 2] = ['前', '昨'];

static UP_FIRST: Lazy<WordIndex> = Lazy::new(|| WordIndex::by_first(UP_WORDS.iter().copied()));
static DOWN_FIRST: Lazy<WordIndex> = Lazy::new(|| WordIndex::by_first(DOWN_WORDS.iter().copied()));
static BETWEEN_FIRST: Lazy<WordIndex> = Lazy::new(|| WordIndex::by_first(BETWEEN.iter().copied()));

/// The direction word right after a figure, skipping small qualifiers.
pub(crate) fn direction_after(text: &str, pos: usize) -> Option<(Direction, usize)> {
    let mut p = pos;
    for _ in 0..4 {
        let rest = &text[p..];
        // 高い / 安い right after the figure compare (3%高い); after a
        // qualifier they describe (程度の高い).
        let adjective = |tail: &[char]| p > pos && rest[3..].starts_with(tail);
        if let Some(w) = UP_FIRST.prefixes_of(rest).map(|i| UP_WORDS[i]).find(|&w| {
            !(w == "高" && (adjective(&['い', 'く']) || rest[3..].starts_with(['さ', 'め'])))
        }) {
            return Some((Direction::Up, p + w.len()));
        }
        if let Some(w) = DOWN_FIRST
            .prefixes_of(rest)
            .map(|i| DOWN_WORDS[i])
            .find(|&w| {
                !(w == "安"
                    && (adjective(&['い', 'く'])
                        || rest[3..].starts_with(['さ', '定', '全', '心'])))
            })
        {
            return Some((Direction::Down, p + w.len()));
        }
        match BETWEEN_FIRST.prefixes_of(rest).next() {
            Some(i) => p += BETWEEN[i].len(),
            None => return None,
        }
    }
    None
}

/// Where the predicate a figure ending at `end` shares with others starts:
/// after the figures listed after it (`それぞれ2.3%、1.8%下落`), after the
/// bracket it stands in (`2.4ドル（3.1%）安い`), or after a short aside in
/// brackets right after it (`21.47ポイント（0.6％）高`).
fn shared_predicate(text: &str, end: usize) -> Option<usize> {
    let rest = &text[end..];
    if let Some(close) = [')', '）'].into_iter().find(|&c| rest.starts_with(c)) {
        return Some(end + close.len_utf8());
    }
    // 21.47ポイント（0.6％）高: the predicate after a short aside.
    if let Some(open) = ['(', '（'].into_iter().find(|&c| rest.starts_with(c)) {
        let inner = super::window_after(text, end + open.len_utf8(), 34);
        let close = inner
            .find([')', '）'])
            .filter(|&i| i <= 30 && !inner[..i].contains(['(', '（', '。', '、']))?;
        let close_len = inner[close..].chars().next().map_or(1, char::len_utf8);
        return Some(end + open.len_utf8() + close + close_len);
    }
    let mut p = end;
    for _ in 0..3 {
        let rest = &text[p..];
        let Some(item) = rest.strip_prefix('、') else {
            break;
        };
        let digits = item
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if digits == 0 || !item[digits..].starts_with('%') {
            break;
        }
        p += '、'.len_utf8() + digits + 1;
    }
    (p > end).then_some(p)
}

/// Measures of a move named before the figure (`下落率は17.4%`,
/// `下げ幅は累計で8%超`).
const MOVE_MEASURES: &[(&str, Direction)] = &[
    ("上昇率", Direction::Up),
    ("上昇幅", Direction::Up),
    ("増加率", Direction::Up),
    ("増加幅", Direction::Up),
    ("増収率", Direction::Up),
    ("増益率", Direction::Up),
    ("上げ幅", Direction::Up),
    ("値上がり率", Direction::Up),
    ("値上げ幅", Direction::Up),
    ("伸び率", Direction::Up),
    ("下落率", Direction::Down),
    ("下落幅", Direction::Down),
    ("減少率", Direction::Down),
    ("減少幅", Direction::Down),
    ("減収率", Direction::Down),
    ("減益率", Direction::Down),
    ("下げ幅", Direction::Down),
    ("値下がり率", Direction::Down),
    ("値下げ幅", Direction::Down),
];

/// The direction of a move measure written shortly before `pos` in the same
/// clause, with only a few characters (は, 累計で, 一時) between.
fn direction_before(text: &str, pos: usize) -> Option<Direction> {
    let window = super::window_before(text, pos, 27);
    if !window.contains(['率', '幅']) {
        return None;
    }
    let clause = window
        .rsplit(['。', '、', '\n', ','])
        .next()
        .unwrap_or(window);
    MOVE_MEASURES.iter().find_map(|(word, d)| {
        let at = clause.rfind(word)?;
        (clause[at + word.len()..].chars().count() <= 6).then_some(*d)
    })
}

/// The baseline written shortly before `pos` in the same clause.
pub(crate) fn baseline_before(text: &str, pos: usize) -> Option<ValueText> {
    let window = super::window_before(text, pos, 45);
    let clause = window.rsplit(['。', '\n']).next().unwrap_or(window);
    // The last baseline to start wins, the longest of those starting there:
    // look from the end at the few places a baseline can start.
    clause
        .rmatch_indices(BASELINE_FIRST_CHARS)
        .find_map(|(i, _)| {
            let rest = &clause[i..];
            BASELINES
                .iter()
                .filter(|b| rest.starts_with(**b))
                .max_by_key(|b| b.len())
        })
        .map(|&b| canonical_baseline(b))
}

/// A baseline as written with its `比`: `前年` → `前年比` (borrowed from
/// [`BASELINES`], which lists every canonical form).
fn canonical_baseline(b: &'static str) -> ValueText {
    if b.ends_with('比') {
        return Cow::Borrowed(b);
    }
    BASELINES
        .iter()
        .find(|c| c.strip_suffix('比') == Some(b))
        .map_or_else(|| Cow::Owned(format!("{b}比")), |&c| Cow::Borrowed(c))
}

/// The company mentioned last before `pos` in the same sentence.
/// `companies` is sorted by start; only a company in the same sentence and
/// within a few hundred bytes counts, which also keeps this logarithmic.
pub(crate) fn subject_before(text: &str, companies: &[Found], pos: usize) -> Option<ValueText> {
    let i = companies.partition_point(|f| f.span.start < pos);
    companies[..i]
        .iter()
        .rev()
        .take(8)
        .filter(|f| f.span.end <= pos && pos - f.span.end <= 300)
        .find_map(|f| match &f.value {
            EntityValue::Company(c) if !text[f.span.end..pos].contains(['。', '\n']) => {
                c.id.clone().or_else(|| Some(c.name.clone()))
            }
            _ => None,
        })
}

/// Words after `ポイント` that make it a loyalty reward, not percentage
/// points (`500ポイントを付与`, `1,000ポイント還元`).
const REWARDS: &[&str] = &[
    "付与",
    "還元",
    "進呈",
    "贈呈",
    "プレゼント",
    "獲得",
    "付け",
    "貯",
    "もらえ",
    "差し上げ",
];

fn is_reward(after_unit: &str) -> bool {
    let rest = ["分を", "分の", "を", "が"]
        .iter()
        .find_map(|p| after_unit.strip_prefix(p))
        .unwrap_or(after_unit);
    REWARDS.iter().any(|w| rest.starts_with(w))
}

/// Stock indexes, whose moves are quoted in index points. (Diffusion
/// indexes such as the survey's 現状判断指数 move in percentage points, so a
/// bare 指数 is not among them.)
const STOCK_INDEXES: &[&str] = &[
    "TOPIX",
    "東証株価指数",
    "日経平均",
    "日経225",
    "JPX日経",
    "グロース250",
    "マザーズ指数",
    "ダウ",
    "ナスダック",
    "NASDAQ",
    "S&P",
    "ハンセン",
    "上海総合",
    "KOSPI",
    "DAX",
    "FTSE",
];

/// Whether the figure at `pos` is about a stock index: the sentence before
/// it (at most 90 bytes back) names one, and no other subject comes between
/// (`日経平均株価は、前日比1,150ポイント高`; not `日経平均は3%上昇し、
/// 失業率は0.2ポイント低下`).
fn moves_a_stock_index(text: &str, pos: usize) -> bool {
    let before = super::window_before(text, pos, 90);
    let sentence = before.rsplit(['。', '\n']).next().unwrap_or(before);
    // Where the last index name ends (a comparison at each of the few
    // characters, cheaper than a substring search per name).
    let Some(after) = sentence
        .char_indices()
        .flat_map(|(at, _)| {
            STOCK_INDEXES
                .iter()
                .filter(move |i| sentence[at..].starts_with(**i))
                .map(move |i| at + i.len())
        })
        .max()
        .map(|end| &sentence[end..])
    else {
        return false;
    };
    let after = after.trim_start_matches(|c: char| {
        "株価指数平均総合種）)".contains(c) || c.is_ascii_alphanumeric()
    });
    let after = after.strip_prefix(['は', 'が', 'も']).unwrap_or(after);
    !after.contains(['は', 'が'])
}

/// `3割5分` → 35, `2割` → 20 (from the number before 割).
fn wari(
    text: &str,
    n: &ParsedNumber,
    numbers: &[ParsedNumber],
    next: usize,
) -> Option<(Result<Decimal, String>, usize, usize)> {
    // A rate of interest in 分 alone follows 年 (年7分5厘 = 7.5%).
    let yearly_bu = text[..n.start].ends_with('年') && text[n.end..].starts_with('分');
    if !text[n.end..].starts_with('割') && !yearly_bu {
        return None;
    }
    let (mut end, mut value, mut used) = if yearly_bu {
        (
            n.end + '分'.len_utf8(),
            n.value.map_err(|e| e.to_string()),
            0,
        )
    } else {
        let value = n.value.map_err(|e| e.to_string()).and_then(|v| {
            v.checked_mul(Decimal::from_int(10))
                .map_err(|e| e.to_string())
        });
        (n.end + '割'.len_utf8(), value, 0)
    };
    // The next smaller unit, 分 then 厘 (6割2分5厘 = 62.5%).
    for (unit, exp) in [('分', 0), ('厘', 1)] {
        if unit == '分' && yearly_bu {
            continue;
        }
        if let Some(m) = numbers.get(next + used)
            && m.start == end
            && text[m.end..].starts_with(unit)
        {
            value = value.and_then(|v| {
                v.checked_add(m.value.map_err(|e| e.to_string())?.scaled_down(exp))
                    .map_err(|e| e.to_string())
            });
            end = m.end + unit.len_utf8();
            used += 1;
        }
    }
    // 割合 / 割当 / 割込み are words, not figures (2割引き is: 20% off;
    // after a figure, 6割安い and 3割高 are too: 60% cheaper, 30% dearer).
    if used == 0 && !yearly_bu && text[n.end + 3..].starts_with(['合', '当', '込', 'り']) {
        return None;
    }
    Some((value, end, used))
}

/// The point unit `after` a figure starts with: its length and the power of
/// ten the figure scales down by. Not an ASCII word (`5pts`), an index
/// level (`2900ポイント台`; `80bp台` is a spread's level in points) or a
/// loyalty reward (`1,000ポイントを付与`).
fn point_unit(after: &str) -> Option<(usize, u32)> {
    let &(u, scale) = POINT_UNITS.iter().find(|(u, _)| after.starts_with(u))?;
    let rest = &after[u.len()..];
    // (Nor the head of a longer katakana word: 3ポイントシュート,
    // ポイントカード; ポイントアップ and ポイントダウン are moves.)
    let word = u.is_ascii() && rest.starts_with(|c: char| c.is_ascii_alphabetic())
        || !u.is_ascii()
            && rest.starts_with(|c: char| super::company::is_katakana(c) && c != '・')
            && !rest.starts_with("アップ")
            && !rest.starts_with("ダウン");
    let level = scale == 0 && (rest.starts_with('台') || is_reward(rest));
    (!word && !level).then_some((u.len(), scale))
}

/// The unit after the second figure of a range (`3～5%`, `2～3ポイント`,
/// `10～20bp`): its length, `percent` or `point`, and the power of ten the
/// figures scale down by.
fn range_unit(after: &str) -> Option<(usize, &'static str, u32)> {
    if let Some(u) = PERCENT_UNITS.iter().find(|u| after.starts_with(**u)) {
        return Some((u.len(), "percent", 0));
    }
    point_unit(after).map(|(len, scale)| (len, "point", scale))
}

/// Percents and percentage points into `out`, in text order; a stock
/// index's move in index points (`TOPIXは12.53ポイント高`) into
/// `index_moves`, for the change extractor only.
pub(crate) fn extract(
    ctx: &Context<'_>,
    companies: &[Found],
    taken: &SpanIndex,
    out: &mut Vec<Found>,
    index_moves: &mut Vec<Found>,
) {
    let text = ctx.text;
    let numbers = &ctx.numbers;
    let mut i = 0;
    while i < numbers.len() {
        let n = numbers[i];
        i += 1;
        if taken.overlaps(Span::new(n.start, n.end)) {
            continue;
        }
        let rest = &text[n.end..];
        let (value, mut end, unit, mut max) =
            if let Some(u) = PERCENT_UNITS.iter().find(|u| rest.starts_with(**u)) {
                // 2.5パーセントポイント, 0.3%ポイント, 0.5%pt: percentage points.
                let after = &rest[u.len()..];
                let (end, unit) = match ["ポイント", "pt"].iter().find(|p| {
                    after.starts_with(**p)
                        && !after[p.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
                }) {
                    Some(p) => (n.end + u.len() + p.len(), "point"),
                    None => (n.end + u.len(), "percent"),
                };
                (n.value.map_err(|e| e.to_string()), end, unit, None)
            } else if let Some((len, scale)) = point_unit(rest) {
                (
                    n.value
                        .map(|v| v.scaled_down(scale))
                        .map_err(|e| e.to_string()),
                    n.end + len,
                    "point",
                    None,
                )
            } else if let Some((v, e, used)) = wari(text, &n, numbers, i) {
                i += used;
                (v, e, "percent", None)
            } else if let Some(&next) = numbers.get(i)
                && (rest.starts_with(RANGE_MARKS) || rest.starts_with('-'))
                && text[n.end..next.start].chars().count() == 1
                && let Some((len, unit, scale)) = range_unit(&text[next.end..])
            {
                // 3～5%, 3-5%, 2～3ポイント
                i += 1;
                let scaled = |v: Result<Decimal, _>| v.map(|v: Decimal| v.scaled_down(scale));
                (
                    scaled(n.value).map_err(|e| e.to_string()),
                    next.end + len,
                    unit,
                    Some(scaled(next.value).map_err(|e| e.to_string())),
                )
            } else {
                continue;
            };
        // A sign written as a word or an ASCII mark (前期比マイナス0.4%,
        // （前年同期比 -2.1%）) is part of the figure.
        let (start, value, signed) = match super::number::sign_before(text, n.start) {
            Some((at, negative)) => (
                at,
                if negative {
                    value.map(Decimal::negated)
                } else {
                    value
                },
                Some(if negative {
                    Direction::Down
                } else {
                    Direction::Up
                }),
            ),
            None => (n.start, value, None),
        };
        let baseline = baseline_before(text, start);
        let direction = direction_after(text, end)
            .or_else(|| direction_after(text, shared_predicate(text, end)?))
            .map(|(d, _)| d)
            .or_else(|| direction_before(text, start))
            // A signed figure against a baseline is a change that way.
            .or(signed.filter(|_| baseline.is_some()));
        // 2850ポイントで終えた: an index level, not a change in points
        // (percentage points that large do not occur; a level states no move).
        if unit == "point"
            && direction.is_none()
            && value.as_ref().is_ok_and(|v| {
                v.cmp_value(Decimal::from_int(100)) != Some(std::cmp::Ordering::Less)
            })
        {
            continue;
        }
        // TOPIXは前日比12.53ポイント高: a stock index moves in index
        // points, not percentage points; the move is a change, not a percent.
        let index_move = unit == "point" && moves_a_stock_index(text, start);
        if index_move && direction.is_none() {
            continue;
        }
        if let Some(w) = ["超", "程度", "前後", "近く", "強", "弱"]
            .iter()
            .find(|w| text[end..].starts_with(**w))
        {
            end += w.len();
        }
        let (value, reason) = match value {
            Ok(v) => (Some(v), None),
            Err(e) => (None, Some(e)),
        };
        let max = max.take().and_then(|m| m.ok());
        let out = if index_move {
            &mut *index_moves
        } else {
            &mut *out
        };
        out.push(Found::found(
            Span::new(start, end),
            EntityValue::Percent(PercentValue {
                value,
                max,
                unit: Cow::Borrowed(unit),
                direction,
                baseline,
                subject: subject_before(text, companies, start),
                reason,
            }),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_baseline_has_a_listed_canonical_form() {
        for b in BASELINES {
            let canonical = canonical_baseline(b);
            assert!(matches!(canonical, Cow::Borrowed(_)), "{b}");
            assert!(canonical.ends_with('比') && canonical.starts_with(b), "{b}");
        }
        assert_eq!(baseline_before("前年比で", 9).as_deref(), Some("前年比"));
        assert_eq!(baseline_before("前年に比べ", 6).as_deref(), Some("前年比"));
    }

    #[test]
    fn baselines_start_with_a_listed_first_char() {
        assert!(
            BASELINES
                .iter()
                .all(|b| b.starts_with(BASELINE_FIRST_CHARS))
        );
    }
}
