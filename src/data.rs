//! Reading the plain data files of `dictionaries/`: UTF-8, tab-separated,
//! `#` comment lines, one record a line.

use crate::error::{Error, ErrorKind};

/// Non-empty, non-comment rows as `(1-based line number, trimmed columns)`.
pub(crate) fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.split('\t').map(str::trim).collect()))
}

/// A malformed-row error naming the file and line.
pub(crate) fn bad_row(file: &str, line: usize, what: &str) -> Error {
    Error::new(ErrorKind::Dictionary, format!("{file}:{line}: {what}"))
}
