//! Byte spans into the caller's original text.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A half-open byte range `start..end` into the caller's original input.
///
/// Every span produced by this crate satisfies `input.get(span.range()).is_some()`:
/// both ends lie on UTF-8 character boundaries and `start <= end`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span as a `Range<usize>`, ready to index a `str`.
    pub const fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// Length in bytes.
    pub const fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no bytes.
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `other` lies entirely inside this span.
    pub const fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the two spans share at least one byte.
    pub const fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

impl From<Span> for Range<usize> {
    fn from(s: Span) -> Self {
        s.range()
    }
}

/// Converts byte offsets into character offsets for one text, in increasing order,
/// without rescanning from the start for every query.
#[derive(Debug, Clone)]
pub(crate) struct CharCounter<'t> {
    text: &'t str,
    byte: usize,
    chars: usize,
}

impl<'t> CharCounter<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        CharCounter {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// Character offset of `byte`, which must be a char boundary. Queries
    /// that go backwards restart from the beginning.
    pub(crate) fn char_offset(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        let step = &self.text.as_bytes()[self.byte..byte];
        // Count UTF-8 leading bytes: every char has exactly one.
        self.chars += step.iter().filter(|&&b| (b as i8) >= -0x40).count();
        self.byte = byte;
        self.chars
    }
}

/// A set of non-overlapping spans with logarithmic overlap queries, so
/// extractors stay linear on huge inputs.
#[derive(Debug, Clone, Default)]
pub(crate) struct SpanSet {
    by_start: std::collections::BTreeMap<usize, usize>,
}

impl SpanSet {
    pub(crate) fn new() -> Self {
        SpanSet::default()
    }

    /// Adds a span (callers add spans that do not overlap those present).
    pub(crate) fn insert(&mut self, span: Span) {
        let end = self.by_start.entry(span.start).or_insert(span.end);
        *end = (*end).max(span.end);
    }

    /// Whether `span` shares a byte with a span of the set.
    pub(crate) fn overlaps(&self, span: Span) -> bool {
        if span.is_empty() {
            return false;
        }
        self.by_start
            .range(..span.end)
            .next_back()
            .is_some_and(|(_, &end)| end > span.start)
    }
}

impl FromIterator<Span> for SpanSet {
    fn from_iter<I: IntoIterator<Item = Span>>(iter: I) -> Self {
        let mut set = SpanSet::new();
        for s in iter {
            set.insert(s);
        }
        set
    }
}
