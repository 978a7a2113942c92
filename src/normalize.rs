//! Width folding with an offset map back to the original text.
//!
//! Japanese news mixes full-width and half-width forms (`８％`, `ＮＹＳＥ`).
//! Tokenizer and extractors see one form; spans are mapped back to the
//! caller's bytes, so `&input[span]` is always what the caller wrote (the
//! `m2o` idea of sudachi.rs, stored sparsely: only where a fold changed the
//! byte length).

use std::borrow::Cow;

/// Text after width folding, with the map back to the original bytes.
#[derive(Debug, Clone)]
pub struct Normalized<'a> {
    text: Cow<'a, str>,
    /// `(normalized offset, original offset)` at the end of every folded
    /// character; between anchors the two texts advance byte for byte.
    anchors: Vec<(usize, usize)>,
}

/// The half-width form of a full-width letter, digit, number sign or
/// currency sign, or a space for the ideographic space.
///
/// Full-width punctuation that IPADIC lists as words (`（）：＜＞「」、`)
/// is kept: folded to ASCII it would become unknown symbols that the
/// tokenizer groups with their neighbours (`%)、` as one token).
#[inline]
pub fn fold_char(c: char) -> Option<char> {
    match c {
        '０'..='９'
        | 'Ａ'..='Ｚ'
        | 'ａ'..='ｚ'
        | '％'
        | '＄'
        | '＃'
        | '＆'
        | '＋'
        | '－'
        | '．'
        | '，'
        | '／'
        | '＝'
        | '＠'
        | '＿' => char::from_u32(c as u32 - 0xFF01 + 0x21),
        '\u{3000}' => Some(' '),
        '\u{FFE5}' => Some('¥'),
        '\u{FFE0}' => Some('¢'),
        '\u{FFE1}' => Some('£'),
        '\u{FFE6}' => Some('₩'),
        _ => None,
    }
}

impl<'a> Normalized<'a> {
    /// Folds full-width ASCII (`ＡＢＣ１２３％`) to half-width (`ABC123%`) and
    /// the ideographic space to a space. Borrows the input when nothing folds.
    pub fn new(input: &'a str) -> Self {
        // Full-width forms all start with byte 0xE3 (U+3000) or 0xEF (U+FFxx);
        // most text has none, so scan bytes before allocating.
        let first = input
            .char_indices()
            .find(|&(_, c)| fold_char(c).is_some())
            .map(|(i, _)| i);
        let Some(first) = first else {
            return Normalized {
                text: Cow::Borrowed(input),
                anchors: Vec::new(),
            };
        };
        let mut text = String::with_capacity(input.len());
        text.push_str(&input[..first]);
        let mut anchors = Vec::new();
        for (i, c) in input[first..].char_indices() {
            match fold_char(c) {
                Some(f) => {
                    text.push(f);
                    anchors.push((text.len(), first + i + c.len_utf8()));
                }
                None => text.push(c),
            }
        }
        Normalized {
            text: Cow::Owned(text),
            anchors,
        }
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether any character was folded.
    pub fn changed(&self) -> bool {
        !self.anchors.is_empty()
    }

    /// Maps a byte offset of the folded text (a char boundary) to the
    /// corresponding byte offset of the original text.
    pub fn to_original(&self, offset: usize) -> usize {
        let i = self.anchors.partition_point(|&(n, _)| n <= offset);
        match i.checked_sub(1) {
            None => offset,
            Some(i) => {
                let (n, o) = self.anchors[i];
                o + (offset - n)
            }
        }
    }

    /// Maps a byte span of the folded text back to the original text.
    pub fn span_to_original(&self, span: crate::Span) -> crate::Span {
        crate::Span::new(self.to_original(span.start), self.to_original(span.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_maps_back() {
        let input = "株価が８％上昇、ＮＹＳＥ：ＢＡＢＡ";
        let n = Normalized::new(input);
        assert_eq!(n.as_str(), "株価が8%上昇、NYSE：BABA");
        let start = n.as_str().find('8').unwrap();
        let end = n.as_str().find("上昇").unwrap();
        let span = n.span_to_original(crate::Span::new(start, end));
        assert_eq!(&input[span.range()], "８％");
        let end = n.as_str().len();
        assert_eq!(n.to_original(end), input.len());
    }

    #[test]
    fn borrows_when_nothing_folds() {
        let n = Normalized::new("アリババの株価");
        assert!(!n.changed());
        assert_eq!(n.to_original(3), 3);
    }
}
