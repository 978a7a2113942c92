//! Width folding with an offset map back to the original text.
//!
//! Japanese news mixes full-width and half-width forms (`８％`, `ＮＹＳＥ`).
//! Tokenizer and extractors see one form; spans are mapped back to the
//! caller's bytes, so `&input[span]` is always what the caller wrote (the
//! `m2o` idea of sudachi.rs, stored sparsely: only where a fold changed the
//! byte length).

use std::borrow::Cow;
use std::cell::Cell;

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

/// The next character from byte `from` that [`fold_char`] folds: its byte
/// offset and its fold. Every such character is [`FOLDED_LEN`] bytes:
/// U+FFxx, led by 0xEF, and the ideographic space U+3000, `E3 80 80`. The
/// text is searched for 0xEF and 0x80 (kana lead with 0xE3 too, so that
/// byte would stop the search at every other character; 0x80 is rarer) and
/// only those places are decoded: most Japanese text folds nothing, and
/// decoding every character cost more than the rest of width folding.
fn next_fold(bytes: &[u8], from: usize) -> Option<(usize, char)> {
    let mut i = from;
    while let Some(k) = find_candidate(bytes, i) {
        if bytes[k] == 0xEF {
            if let [_, b1, b2, ..] = bytes[k..] {
                let c = 0xF000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
                if let Some(folded) = char::from_u32(c).and_then(fold_char) {
                    return Some((k, folded));
                }
            }
            // (A three-byte character that does not fold.)
            i = k + FOLDED_LEN;
        } else {
            // 0x80 continues a character: U+3000 if it is `E3 80 80`.
            if k > 0 && bytes[k - 1] == 0xE3 && bytes.get(k + 1) == Some(&0x80) {
                return Some((k - 1, ' '));
            }
            i = k + 1;
        }
    }
    None
}

/// The length in UTF-8 of every character [`fold_char`] folds.
const FOLDED_LEN: usize = 3;

/// The first byte from `from` that is 0xEF or 0x80, sixteen bytes at a
/// time where none is (a test of a whole block compiles to a few vector
/// instructions; a byte-by-byte search stops the processor at each byte).
fn find_candidate(bytes: &[u8], from: usize) -> Option<usize> {
    let is_candidate = |b: u8| b == 0xEF || b == 0x80;
    let mut i = from;
    while let Some(block) = bytes.get(i..i + 16) {
        if block.iter().fold(false, |any, &b| any | is_candidate(b)) {
            break;
        }
        i += 16;
    }
    bytes
        .get(i..)?
        .iter()
        .position(|&b| is_candidate(b))
        .map(|k| i + k)
}

impl<'a> Normalized<'a> {
    /// Folds full-width ASCII (`ＡＢＣ１２３％`) to half-width (`ABC123%`) and
    /// the ideographic space to a space. Borrows the input when nothing folds.
    pub fn new(input: &'a str) -> Self {
        let bytes = input.as_bytes();
        let Some(mut fold) = next_fold(bytes, 0) else {
            return Normalized {
                text: Cow::Borrowed(input),
                anchors: Vec::new(),
            };
        };
        let mut text = String::with_capacity(input.len());
        let mut anchors = Vec::new();
        // Copy the run before each folded character whole, then the fold.
        let mut copied = 0;
        loop {
            let (i, folded) = fold;
            text.push_str(&input[copied..i]);
            text.push(folded);
            copied = i + FOLDED_LEN;
            anchors.push((text.len(), copied));
            match next_fold(bytes, copied) {
                Some(next) => fold = next,
                None => break,
            }
        }
        text.push_str(&input[copied..]);
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
        let passed = self.anchors.partition_point(|&(n, _)| n <= offset);
        past_anchors(&self.anchors, passed, offset)
    }

    /// Maps a byte span of the folded text back to the original text.
    pub fn span_to_original(&self, span: crate::Span) -> crate::Span {
        crate::Span::new(self.to_original(span.start), self.to_original(span.end))
    }

    /// A mapper back to the original text for offsets that mostly come in
    /// order (a document's tokens, then its entities): each answer starts
    /// from the anchor of the one before, not from a binary search.
    pub fn in_order(&self) -> InOrder<'_> {
        InOrder {
            anchors: &self.anchors,
            passed: Cell::new(0),
        }
    }
}

/// The original offset of folded `offset`, the first `passed` anchors being
/// at or before it: the texts advance byte for byte after the last of them.
#[inline]
fn past_anchors(anchors: &[(usize, usize)], passed: usize, offset: usize) -> usize {
    match passed.checked_sub(1) {
        None => offset,
        Some(i) => {
            let (n, o) = anchors[i];
            o + (offset - n)
        }
    }
}

/// [`Normalized::to_original`] for offsets in (mostly) ascending order; see
/// [`Normalized::in_order`]. An offset before the last one is answered by a
/// binary search, and the walk goes on from there.
#[derive(Debug)]
pub struct InOrder<'n> {
    anchors: &'n [(usize, usize)],
    /// How many anchors are at or before the last offset asked for.
    passed: Cell<usize>,
}

impl InOrder<'_> {
    /// The original byte offset of folded byte `offset` (a char boundary).
    #[inline]
    pub fn to_original(&self, offset: usize) -> usize {
        let mut i = self.passed.get();
        if i > 0 && self.anchors[i - 1].0 > offset {
            i = self.anchors.partition_point(|&(n, _)| n <= offset);
        } else {
            while self.anchors.get(i).is_some_and(|&(n, _)| n <= offset) {
                i += 1;
            }
        }
        self.passed.set(i);
        past_anchors(self.anchors, i, offset)
    }

    /// The original span of folded span `span`.
    #[inline]
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

    /// Character by character, as width folding is defined.
    fn folded_reference(input: &str) -> String {
        input.chars().map(|c| fold_char(c).unwrap_or(c)).collect()
    }

    #[test]
    fn folds_every_foldable_character_and_no_other() {
        // Neighbours of the folded ranges share their lead bytes (kana,
        // CJK punctuation and full-width brackets with 0xE3 and 0xEF).
        let input = "\u{3000}、。ー（ＡＺａｚ０９）［％＄＃＆＋－．，／＝＠＿］～￥￠￡￦￤￢ｰｱ\u{FFFD}株式abダ\u{3000}〜\u{3000}";
        let n = Normalized::new(input);
        assert_eq!(n.as_str(), folded_reference(input));
        assert_eq!(
            n.as_str(),
            " 、。ー（AZaz09）［%$#&+-.,/=@_］～¥¢£₩￤￢ｰｱ\u{FFFD}株式abダ 〜 "
        );
        // Every folded char boundary maps to the original one, in order
        // and out of order.
        let pairs: Vec<(usize, usize)> = n
            .as_str()
            .char_indices()
            .map(|(i, _)| i)
            .zip(input.char_indices().map(|(i, _)| i))
            .collect();
        let in_order = n.in_order();
        for &(folded, original) in pairs.iter().chain(pairs.iter().rev()) {
            assert_eq!(n.to_original(folded), original);
            assert_eq!(in_order.to_original(folded), original);
        }
        assert_eq!(in_order.to_original(n.as_str().len()), input.len());
    }

    #[test]
    fn borrows_when_nothing_folds() {
        let n = Normalized::new("アリババの株価");
        assert!(!n.changed());
        assert_eq!(n.to_original(3), 3);
    }
}
