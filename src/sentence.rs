//! Sentence spans: split after `。！？!?` and at line breaks, never inside
//! brackets or quotations (`「…。」` stays in its sentence).

use crate::span::Span;

const OPENERS: &[char] = &[
    '「', '『', '（', '(', '【', '〔', '［', '[', '｛', '{', '〈', '《', '“',
];
const CLOSERS: &[char] = &[
    '」', '』', '）', ')', '】', '〕', '］', ']', '｝', '}', '〉', '》', '”',
];

fn is_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '．')
}

/// Splits `text` into sentence spans (byte ranges into `text`), trimmed of
/// surrounding whitespace; empty sentences are skipped.
///
/// A terminator ends a sentence only outside brackets; closing brackets and
/// repeated terminators right after it (`！？`, `。」`) stay with it. A line
/// break always ends a sentence and resets the bracket depth, so one stray
/// `「` cannot swallow a document.
pub fn split_sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth: usize = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = if c == '\n' || c == '\r' {
            depth = 0;
            Some(i)
        } else if OPENERS.contains(&c) {
            depth += 1;
            None
        } else if CLOSERS.contains(&c) {
            depth = depth.saturating_sub(1);
            None
        } else if is_terminator(c) && depth == 0 {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if is_terminator(d) || (CLOSERS.contains(&d)) {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            Some(end)
        } else {
            None
        };
        if let Some(end) = end {
            push_trimmed(text, start, end, &mut out);
            start = if c == '\n' || c == '\r' { i + 1 } else { end };
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let piece = &text[start..end];
    let trimmed = piece.trim_start();
    let s = start + (piece.len() - trimmed.len());
    let e = s + trimmed.trim_end().len();
    if e > s {
        out.push(Span::new(s, e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<&str> {
        split_sentences(t)
            .into_iter()
            .map(|s| &t[s.range()])
            .collect()
    }

    #[test]
    fn splits_at_terminators_and_lines() {
        assert_eq!(
            texts("株価が上昇した。利益は減少！本当か？\n見出し\n\n次の段落"),
            [
                "株価が上昇した。",
                "利益は減少！",
                "本当か？",
                "見出し",
                "次の段落"
            ]
        );
    }

    #[test]
    fn quotation_stays_inside() {
        assert_eq!(
            texts("社長は「増益だ。配当も増やす。」と述べた。次。"),
            ["社長は「増益だ。配当も増やす。」と述べた。", "次。"]
        );
        assert_eq!(texts("「上昇！」"), ["「上昇！」"]);
        assert_eq!(texts("本当に？！ええ。"), ["本当に？！", "ええ。"]);
    }

    #[test]
    fn unbalanced_bracket_is_reset_by_a_line_break() {
        assert_eq!(
            texts("「開いたまま。\n次の行。"),
            ["「開いたまま。", "次の行。"]
        );
    }

    #[test]
    fn empty_and_whitespace() {
        assert!(split_sentences("").is_empty());
        assert!(split_sentences(" \n\t\r\n").is_empty());
    }
}
