//! Price moves and revisions: `株価が8%上昇` (from a directed percent),
//! `3,000円から3,500円に引き上げ` (before → after, not a range) and
//! `通期予想を上方修正`.

use super::percent::{baseline_before, direction_after, subject_before};
use super::{ChangeValue, Context, Direction, EntityValue, Found, SpanIndex};
use crate::span::{Span, SpanSet};

/// The tail every revision word shares.
pub(crate) const REVISION_TAIL: &str = "修正";
const REVISIONS: &[(&str, Direction)] = &[
    ("上方修正", Direction::Up),
    ("下方修正", Direction::Down),
    ("増額修正", Direction::Up),
    ("減額修正", Direction::Down),
];

pub(crate) fn extract(
    ctx: &Context<'_>,
    companies: &[Found],
    amounts: &[Found],
    percents: &[Found],
    index_moves: &[Found],
    out: &mut Vec<Found>,
) {
    let text = ctx.text;
    let mut covered = SpanSet::new();

    // X円からY円に/へ … : from → to (amounts are in text order).
    for pair in amounts.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let between = &text[a.span.end..b.span.start];
        if !matches!(between.trim(), "から" | "から、") {
            continue;
        }
        let after = &text[b.span.end..];
        let Some(particle) = ["に", "へ", "まで"].iter().find(|p| after.starts_with(**p))
        else {
            continue;
        };
        let amount = |f: &Found| match &f.value {
            EntityValue::Money(m) => m.amount.or(m.min).map(|v| (v, m.currency.clone())),
            _ => None,
        };
        let (Some((from, currency)), Some((to, _))) = (amount(a), amount(b)) else {
            continue;
        };
        let pred_start = b.span.end + particle.len();
        let direction = direction_after(text, pred_start)
            .map(|(d, _)| d)
            .or_else(|| match from.cmp_value(to)? {
                std::cmp::Ordering::Less => Some(Direction::Up),
                std::cmp::Ordering::Greater => Some(Direction::Down),
                std::cmp::Ordering::Equal => None,
            });
        let Some(direction) = direction else { continue };
        let end = direction_after(text, pred_start).map_or(b.span.end, |(_, e)| e);
        let span = Span::new(a.span.start, end);
        covered.insert(span);
        out.push(Found::found(
            span,
            EntityValue::Change(ChangeValue {
                subject: subject_before(text, companies, a.span.start),
                direction,
                size: None,
                unit: Some(currency),
                from: Some(from),
                to: Some(to),
                baseline: None,
            }),
        ));
    }

    // A percent with a direction is a move of its subject, as is a stock
    // index's move in points (no percent). Spans of the moves.
    let mut moves = Vec::new();
    for f in percents.iter().chain(index_moves) {
        let EntityValue::Percent(p) = &f.value else {
            continue;
        };
        let Some(direction) = p.direction else {
            continue;
        };
        if covered.overlaps(f.span) {
            continue;
        }
        let end = direction_after(text, f.span.end).map_or(f.span.end, |(_, e)| e.max(f.span.end));
        // A level reached (1.5%に上昇, 4.6%台に低下) is where the move ended,
        // not its size.
        let after = &text[f.span.end..];
        let after = after.strip_prefix('台').unwrap_or(after);
        let level = after.starts_with(['に', 'へ']) || after.starts_with("まで");
        // The predicate may be a revision (5%下方修正): one change, not two.
        moves.push(Span::new(f.span.start, end));
        out.push(Found::found(
            Span::new(f.span.start, end),
            EntityValue::Change(ChangeValue {
                subject: p.subject.clone(),
                direction,
                size: if level { None } else { p.value },
                unit: Some(p.unit.clone()),
                from: None,
                to: if level { p.value } else { None },
                baseline: p.baseline.clone(),
            }),
        ));
    }

    // 上方修正 / 下方修正 without figures. One search for the shared tail
    // finds them all; each word's matches are then taken in turn.
    let moves: SpanIndex = moves.into_iter().collect();
    let revisions: Vec<(usize, usize)> = ctx
        .names
        .marks_of(REVISION_TAIL)
        .filter_map(|(_, end)| {
            REVISIONS
                .iter()
                .position(|(word, _)| text[..end].ends_with(word))
                .map(|k| (k, end))
        })
        .collect();
    for (k, (word, direction)) in REVISIONS.iter().enumerate() {
        for &(_, end) in revisions.iter().filter(|(w, _)| *w == k) {
            let start = end - word.len();
            let span = Span::new(start, end);
            if covered.overlaps(span) || moves.overlaps(span) {
                continue;
            }
            out.push(Found::found(
                span,
                EntityValue::Change(ChangeValue {
                    subject: subject_before(text, companies, start),
                    direction: *direction,
                    size: None,
                    unit: None,
                    from: None,
                    to: None,
                    baseline: baseline_before(text, start),
                }),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_share_the_tail() {
        assert!(REVISIONS.iter().all(|(w, _)| w.ends_with(REVISION_TAIL)));
    }
}
