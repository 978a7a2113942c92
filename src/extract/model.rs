//! AI model names: a family prefix from the gazetteer, then a version and
//! variant grammar (`Qwen3-Max-Preview`, `Claude Opus 4.1`, `Llama 3.1 405B`).

use std::borrow::Cow;

use super::gazetteer::Gazetteer;
use super::{Context, EntityValue, Found, ModelValue};
use crate::span::Span;

/// Variant words accepted after a space (after a hyphen any word is part of
/// the name). Lower-cased.
const SPACED_VARIANTS: &[&str] = &[
    "max",
    "preview",
    "pro",
    "flash",
    "lite",
    "mini",
    "nano",
    "ultra",
    "turbo",
    "opus",
    "sonnet",
    "haiku",
    "instruct",
    "chat",
    "coder",
    "vision",
    "vl",
    "omni",
    "transcribe",
    "thinking",
    "reasoner",
    "large",
    "medium",
    "small",
    "plus",
    "air",
    "exp",
    "experimental",
    "image",
    "audio",
    "realtime",
    "distill",
    "math",
    "embedding",
    "nemo",
    "heavy",
    "fast",
    "high",
    "code",
    "base",
    "deep",
    "research",
    "search",
    "live",
    "tts",
    "codex",
    "oss",
    "next",
    "edge",
    "premier",
    "micro",
    "canvas",
    "reel",
    "sonic",
];

fn is_version(word: &str) -> bool {
    // 3 · 2.5 · 4o · 4.1 · R1 · V3 · K2 · 3n
    let b = word.as_bytes();
    if b.is_empty() {
        return false;
    }
    let digits_start =
        usize::from(b[0].is_ascii_uppercase() && b.len() > 1 && b[1].is_ascii_digit());
    let rest = &word[digits_start..];
    // Versions are short (3, 2.5, 4o); a year after a name is not one.
    if rest.chars().take_while(char::is_ascii_digit).count() > 2 {
        return false;
    }
    let mut seen_digit = false;
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        let point = c == '.' && seen_digit && chars.peek().is_some_and(char::is_ascii_digit);
        let suffix = c.is_ascii_lowercase() && seen_digit && chars.peek().is_none();
        if c.is_ascii_digit() {
            seen_digit = true;
        } else if !point && !suffix {
            return false;
        }
    }
    seen_digit
}

fn is_size(word: &str) -> bool {
    // 405B · 8B · 1.5B · 8x7B · 235B-A22B handled as two words
    let w = word.trim_end_matches(['B', 'b', 'M', 'T']);
    w.len() < word.len()
        && !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == 'x')
        && w.starts_with(|c: char| c.is_ascii_digit())
}

fn word_end(text: &str, from: usize) -> usize {
    from + text[from..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .unwrap_or(text.len() - from)
}

/// Words after a bare family name that keep it a model mention (Gemini
/// App, Claude Code); all-capital words (API, CLI) keep it too.
const MODEL_PRODUCT_WORDS: &[&str] = &[
    "App",
    "Apps",
    "Code",
    "Chat",
    "Live",
    "Advanced",
    "Enterprise",
    "Team",
    "Business",
];

/// Models from the family prefixes found in the text (`prefixes`, see
/// [`Gazetteer::find_names`]) and the version grammar after them.
pub(crate) fn extract(ctx: &Context<'_>, g: &'static Gazetteer, out: &mut Vec<Found>) {
    let text = ctx.text;
    for &(start, prefix_end, pattern) in &ctx.names.models {
        // Matches come in text order and the first model wins, so a prefix
        // inside the last model is skipped before its elements are read
        // (reading them again at every `Qwen` of `Qwen3-Qwen3-…` was
        // quadratic).
        if out.last().is_some_and(|f: &Found| f.span.end > start) {
            continue;
        }
        let family = &g.families[g.model_prefixes[pattern]];
        let prefix = &text[start..prefix_end];
        let prefix_ascii = prefix.is_ascii();
        // Not inside a longer ASCII word (`Geminis`, `pro3`); a prefix that
        // ends in a letter must not run into more letters (`Grokking`).
        if prefix_ascii
            && text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            continue;
        }
        let next = text[prefix_end..].chars().next();
        if prefix_ascii
            && prefix.ends_with(|c: char| c.is_ascii_alphabetic())
            && next.is_some_and(|c| c.is_ascii_lowercase())
        {
            continue;
        }
        // A katakana name before ・ is a person's (クロード・モネ); after a
        // figure, a unit; before 座 or 流星群, the constellation (ジェミニ座);
        // before 計画 or 号, a space programme or craft (ジェミニ計画).
        if !prefix_ascii
            && (matches!(next, Some('・' | '座' | '号'))
                || ["流星群", "計画"]
                    .iter()
                    .any(|w| text[prefix_end..].starts_with(w))
                || super::company::place_or_unit(text, start, prefix_end))
        {
            continue;
        }
        // Short prefixes (o1, o3) must stand alone or take a hyphen.
        if prefix.len() <= 2 && next.is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }

        let mut end = prefix_end;
        // A prefix that carries the version (o3 of the o-series).
        let mut version: Option<String> = prefix
            .strip_prefix(family.family.as_str())
            .filter(|v| is_version(v))
            .map(str::to_string);
        let mut variants: Vec<String> = Vec::new();
        // Digits glued to the prefix: Qwen3, GPT4o, Qwen2.5.
        if prefix_ascii && next.is_some_and(|c| c.is_ascii_digit()) {
            let w_end = word_end(text, prefix_end);
            let word = text[prefix_end..w_end].trim_end_matches('.');
            if is_version(word) {
                version = Some(word.to_string());
                end = prefix_end + word.len();
            } else if is_size(word) {
                variants.push(word.to_string());
                end = prefix_end + word.len();
            }
        }
        // Then `-word`, ` word` elements.
        loop {
            let rest = &text[end..];
            let sep = rest.chars().next();
            let (hyphen, skip) = match sep {
                Some('-') => (true, 1),
                Some(' ') => (false, 1),
                _ if prefix.ends_with('-') && end == prefix_end => (true, 0),
                _ => break,
            };
            let w_start = end + skip;
            let w_end = word_end(text, w_start);
            let word = text[w_start..w_end].trim_end_matches('.');
            if word.is_empty() {
                break;
            }
            let accepted = if is_version(word) && version.is_none() {
                version = Some(word.to_string());
                true
            } else if is_size(word)
                || SPACED_VARIANTS.contains(&word.to_ascii_lowercase().as_str())
                || (hyphen && word.starts_with(|c: char| c.is_ascii_alphanumeric()))
            {
                variants.push(word.to_string());
                true
            } else {
                false
            };
            if !accepted {
                break;
            }
            end = w_start + word.len();
        }
        // A bare family name that an English name goes on from (Gemini Space
        // Station, Claude Monet) is part of that name, not a model.
        if version.is_none()
            && variants.is_empty()
            && text[end..].strip_prefix(' ').is_some_and(|rest| {
                let word = &rest[..word_end(rest, 0)];
                word.starts_with(|c: char| c.is_ascii_uppercase())
                    && word.contains(|c: char| c.is_ascii_lowercase())
                    && !MODEL_PRODUCT_WORDS.contains(&word)
            })
        {
            continue;
        }
        let span = Span::new(start, end);
        out.push(Found::found(
            span,
            EntityValue::Model(ModelValue {
                name: text[span.range()].to_string(),
                family: Cow::Borrowed(&family.family),
                version,
                variants,
                developer: Cow::Borrowed(&family.developer),
            }),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_sizes() {
        for v in ["3", "2.5", "4o", "4.1", "R1", "V3", "K2"] {
            assert!(is_version(v), "{v}");
        }
        for v in ["Max", "405", "2025", "3.", ""] {
            assert!(!is_version(v), "{v}");
        }
        assert!(is_size("405B") && is_size("8x7B") && is_size("1.5B"));
        assert!(!is_size("B") && !is_size("Max"));
    }
}
