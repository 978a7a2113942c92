//! Articles: front matter (YAML between `---`, or TOML between `+++`) and a
//! Markdown body, turned into the plain text the pipeline reads, with every
//! offset kept into the original file.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::span::Span;

/// Typed front-matter fields; anything else is kept in `extra` as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// `title`, with surrounding Markdown emphasis (`**…**`) removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `date`, as RFC 3339 when it is a date-time (`2025-09-12 02:00:45 +0000`
    /// becomes `2025-09-12T02:00:45Z`), otherwise as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// `categories` (a list, or one string).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// `tags` (a list, or one string).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// `author`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// `excerpt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// Every other front-matter key, as JSON.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A parsed article. It borrows the file text, and analysis results of it
/// point into that text.
#[derive(Debug, Clone)]
pub struct Article<'a> {
    source: &'a str,
    meta: Meta,
    body: Span,
    plain: String,
    map: PieceMap,
}

/// Which front-matter syntax a file used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fence {
    Yaml,
    Toml,
}

impl<'a> Article<'a> {
    /// Parses a Markdown file with optional front matter. A leading UTF-8 BOM
    /// and CRLF line ends are accepted. A file without front matter is all body.
    ///
    /// # Errors
    /// [`ErrorKind::FrontMatter`] when the front matter is opened but never
    /// closed (we do not guess where it ends), is not valid YAML/TOML, or is
    /// not a mapping.
    pub fn parse(source: &'a str) -> Result<Self> {
        let (meta, body) = split_front_matter(source)?;
        let (plain, map) = markdown_to_plain(source, body);
        Ok(Article {
            source,
            meta,
            body,
            plain,
            map,
        })
    }

    /// Parses a plain-text document: no front matter, no Markdown.
    pub fn plain(source: &'a str) -> Self {
        Article {
            source,
            meta: Meta::default(),
            body: Span::new(0, source.len()),
            plain: source.to_string(),
            map: PieceMap {
                pieces: vec![Piece {
                    plain: 0,
                    source: 0,
                    len: source.len(),
                }],
            },
        }
    }

    /// The whole file text.
    pub fn source(&self) -> &'a str {
        self.source
    }

    /// Front-matter fields.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// The byte span of the body (after the front matter) in the file.
    pub fn body_span(&self) -> Span {
        self.body
    }

    /// The text the pipeline analyses: Markdown markup, code and URLs
    /// removed, blocks separated by line breaks.
    pub fn text(&self) -> &str {
        &self.plain
    }

    /// Maps a byte span of [`Article::text`] to the file.
    pub fn span_to_source(&self, span: Span) -> Span {
        let start = self.map.start(span.start);
        let end = self.map.end(span.end).max(start);
        Span::new(start, end)
    }
}

fn front_matter_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::FrontMatter, message)
}

/// Finds and parses the front matter; returns the body span.
fn split_front_matter(source: &str) -> Result<(Meta, Span)> {
    let start = if source.starts_with('\u{FEFF}') { 3 } else { 0 };
    let rest = &source[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let fence = match rest[..first_line_end].trim_end() {
        "---" => Fence::Yaml,
        "+++" => Fence::Toml,
        _ => return Ok((Meta::default(), Span::new(start, source.len()))),
    };
    let closers: &[&str] = match fence {
        Fence::Yaml => &["---", "..."],
        Fence::Toml => &["+++"],
    };
    let content_start = start + first_line_end;
    let mut pos = content_start;
    for line in source[content_start..].split_inclusive('\n') {
        if closers.contains(&line.trim_end()) {
            let content = &source[content_start..pos];
            let meta = parse_meta(fence, content)?;
            return Ok((meta, Span::new(pos + line.len(), source.len())));
        }
        pos += line.len();
    }
    let fence_text = match fence {
        Fence::Yaml => "---",
        Fence::Toml => "+++",
    };
    Err(front_matter_error(format!(
        "front matter opened with `{fence_text}` on the first line is never closed"
    )))
}

fn parse_meta(fence: Fence, content: &str) -> Result<Meta> {
    let value: serde_json::Value = match fence {
        Fence::Yaml if content.trim().is_empty() => serde_json::Value::Null,
        Fence::Yaml => serde_yaml_ng::from_str(content).map_err(|e| {
            Error::with_source(ErrorKind::FrontMatter, "invalid YAML front matter", e)
        })?,
        Fence::Toml => {
            let table: toml::Table = toml::from_str(content).map_err(|e| {
                Error::with_source(ErrorKind::FrontMatter, "invalid TOML front matter", e)
            })?;
            serde_json::to_value(table).map_err(|e| {
                Error::with_source(ErrorKind::FrontMatter, "unsupported TOML front matter", e)
            })?
        }
    };
    let map = match value {
        serde_json::Value::Null => return Ok(Meta::default()),
        serde_json::Value::Object(map) => map,
        _ => {
            return Err(front_matter_error(
                "front matter is not a key/value mapping",
            ));
        }
    };
    let mut meta = Meta::default();
    for (key, value) in map {
        match key.as_str() {
            "title" => meta.title = scalar(&value).map(|t| strip_emphasis(&t).to_string()),
            "date" => meta.date = scalar(&value).map(|d| normalize_date(&d)),
            "author" => meta.author = scalar(&value),
            "excerpt" => meta.excerpt = scalar(&value),
            "tags" => meta.tags = string_list(&value),
            "categories" => meta.categories = string_list(&value),
            _ => {
                meta.extra.insert(key, value);
            }
        }
    }
    Ok(meta)
}

fn scalar(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn string_list(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::Array(items) => items.iter().filter_map(scalar).collect(),
        serde_json::Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        other => scalar(other).into_iter().collect(),
    }
}

fn strip_emphasis(title: &str) -> &str {
    let mut t = title.trim();
    for marker in ["**", "__", "*", "_"] {
        if t.len() > 2 * marker.len() && t.starts_with(marker) && t.ends_with(marker) {
            t = t[marker.len()..t.len() - marker.len()].trim();
        }
    }
    t
}

/// `2025-09-12 02:00:45 +0000` → `2025-09-12T02:00:45Z`; `… +0900` →
/// `…+09:00`; anything else unchanged.
fn normalize_date(date: &str) -> String {
    let d = date.trim();
    let b = d.as_bytes();
    let is_digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let date_time = b.len() >= 19
        && is_digits(0..4)
        && b[4] == b'-'
        && is_digits(5..7)
        && b[7] == b'-'
        && is_digits(8..10)
        && (b[10] == b' ' || b[10] == b'T')
        && is_digits(11..13)
        && b[13] == b':'
        && is_digits(14..16)
        && b[16] == b':'
        && is_digits(17..19);
    if !date_time {
        return d.to_string();
    }
    let base = format!("{}T{}", &d[..10], &d[11..19]);
    let zone = d[19..].trim();
    let zb = zone.as_bytes();
    match zone {
        "" => base,
        "Z" | "+0000" | "+00:00" | "UTC" => format!("{base}Z"),
        _ if zb.len() == 5
            && (zb[0] == b'+' || zb[0] == b'-')
            && zb[1..].iter().all(u8::is_ascii_digit) =>
        {
            format!("{base}{}:{}", &zone[..3], &zone[3..])
        }
        _ if zb.len() == 6 && (zb[0] == b'+' || zb[0] == b'-') && zb[3] == b':' => {
            format!("{base}{zone}")
        }
        _ => d.to_string(),
    }
}

/// A run of plain text copied verbatim from the file.
#[derive(Debug, Clone, Copy)]
struct Piece {
    plain: usize,
    source: usize,
    len: usize,
}

/// Maps offsets of the plain text back to the file. Separators the plain text
/// adds (line breaks between blocks) belong to no piece and map to the
/// nearest piece edge.
#[derive(Debug, Clone, Default)]
struct PieceMap {
    pieces: Vec<Piece>,
}

impl PieceMap {
    /// Offset for the start of a span: the piece that continues at `p`.
    fn start(&self, p: usize) -> usize {
        let i = self.pieces.partition_point(|x| x.plain + x.len <= p);
        match self.pieces.get(i) {
            Some(x) if x.plain <= p => x.source + (p - x.plain),
            Some(x) => x.source,
            None => self.pieces.last().map_or(0, |x| x.source + x.len),
        }
    }

    /// Offset for the end of a span: the piece that ends at or after `p`.
    fn end(&self, p: usize) -> usize {
        let i = self.pieces.partition_point(|x| x.plain < p);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(x) => x.source + (p - x.plain).min(x.len),
            None => self.pieces.first().map_or(0, |x| x.source),
        }
    }
}

/// Collects the analysable text of the Markdown body: text of paragraphs,
/// headings, emphasis, links, lists, quotes and tables; not code, HTML,
/// images, link targets or bare URLs.
fn markdown_to_plain(source: &str, body: Span) -> (String, PieceMap) {
    let md = &source[body.range()];
    let mut plain = String::with_capacity(md.len());
    let mut map = PieceMap::default();
    let mut skip_depth = 0usize;
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(
                Tag::CodeBlock(_) | Tag::Image { .. } | Tag::HtmlBlock | Tag::MetadataBlock(_),
            ) => skip_depth += 1,
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => skip_depth += 1,
            Event::End(
                TagEnd::CodeBlock | TagEnd::Image | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_),
            ) => {
                skip_depth = skip_depth.saturating_sub(1);
                plain.push('\n');
            }
            Event::End(TagEnd::Link) if skip_depth > 0 && is_autolink(&md[range.clone()]) => {
                skip_depth -= 1;
            }
            Event::Text(text) if skip_depth == 0 => {
                let src = &md[range.clone()];
                if src.ends_with(text.as_ref()) {
                    let start = body.start + range.end - text.len();
                    push_text_without_urls(source, start, text.len(), &mut plain, &mut map);
                } else {
                    // Entity references and the like: the decoded text is not
                    // in the file, so it cannot carry spans; keep words apart.
                    plain.push(' ');
                }
            }
            Event::SoftBreak => plain.push(' '),
            Event::HardBreak
            | Event::Rule
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => plain.push('\n'),
            _ => {}
        }
    }
    (plain, map)
}

fn is_autolink(src: &str) -> bool {
    src.starts_with('<') && src.ends_with('>')
}

/// Appends `source[start..start+len]`, leaving out `http(s)://…` runs.
fn push_text_without_urls(
    source: &str,
    start: usize,
    len: usize,
    plain: &mut String,
    map: &mut PieceMap,
) {
    let text = &source[start..start + len];
    let mut from = 0;
    while from < text.len() {
        // (One search for both schemes: a search per scheme from here
        // rescanned the rest of the text at every URL of the other one.)
        let mut at = from;
        let next_url = loop {
            let Some(i) = text[at..].find("http") else {
                break None;
            };
            let p = at + i;
            if text[p..].starts_with("https://") || text[p..].starts_with("http://") {
                break Some(p);
            }
            at = p + "http".len();
        };
        let until = next_url.unwrap_or(text.len());
        if until > from {
            map.pieces.push(Piece {
                plain: plain.len(),
                source: start + from,
                len: until - from,
            });
            plain.push_str(&text[from..until]);
        }
        let Some(url_start) = next_url else { break };
        let url_len = text[url_start..]
            .find(|c: char| c.is_whitespace() || !c.is_ascii() || c == ')' || c == '>')
            .unwrap_or(text.len() - url_start);
        plain.push(' ');
        from = url_start + url_len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_forms() {
        assert_eq!(
            normalize_date("2025-09-12 02:00:45 +0000"),
            "2025-09-12T02:00:45Z"
        );
        assert_eq!(
            normalize_date("2025-09-12 11:00:45 +0900"),
            "2025-09-12T11:00:45+09:00"
        );
        assert_eq!(normalize_date("2025-09-12"), "2025-09-12");
    }

    #[test]
    fn markdown_text_maps_into_the_file() {
        let src = "# 見出し\n\n**アリババ**の[株価](https://x.example)が`code`上昇。\n\n```\nコード\n```\n";
        let a = Article::parse(src).unwrap();
        assert_eq!(a.text(), "見出し\nアリババの株価が上昇。\n\n");
        let i = a.text().find("アリババ").unwrap();
        let span = a.span_to_source(Span::new(i, i + "アリババの株価".len()));
        assert_eq!(&src[span.range()], "アリババ**の[株価");
    }

    #[test]
    fn bare_urls_are_not_text() {
        let a = Article::parse("詳細は https://example.com/a?b=1 を参照").unwrap();
        assert!(!a.text().contains("example"), "{}", a.text());
        assert!(a.text().starts_with("詳細は ") && a.text().ends_with(" を参照\n"));
    }
}
