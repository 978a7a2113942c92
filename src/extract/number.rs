//! The one number engine behind every extractor: Arabic and kanji numerals
//! and their mixes (`7兆8200億`, `三千二百億`, `2億5千万`, `1兆2,345億`,
//! `0.5億`, `1,234百万`), thousands separators, decimals and `▲`/`△` minus,
//! as exact decimals.

use std::fmt;

use crate::tokenize::RawToken;

/// An exact decimal: `mantissa × 10^-scale`. Entity values are held as
/// these (no float, no string to parse back); they print, serialize and
/// parse as plain decimal text (`"53000000000"`, `"-3.2"`, `"158.32"`), and
/// compare by value (`3.50 == 3.5`).
///
/// ```
/// use ja_finnews::Decimal;
/// let d: Decimal = "158.32".parse().unwrap();
/// assert_eq!((d.mantissa(), d.scale()), (15832, 2));
/// assert_eq!(d.to_string(), "158.32");
/// assert_eq!(d, "158.320".parse().unwrap());
/// ```
#[derive(Debug, Clone, Copy)]
// 8-byte aligned (24 bytes, not 32): values sit in every money and percent
// entity, which are moved as they are built and merged.
#[repr(C, packed(8))]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.normalized(), other.normalized());
        a.mantissa == b.mantissa && a.scale == b.scale
    }
}

impl Eq for Decimal {}

impl std::str::FromStr for Decimal {
    type Err = String;

    /// Plain decimal text: an optional `-`, digits, and optionally a point
    /// and more digits.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("not a plain decimal: {s:?}");
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if body.ends_with('.') {
            return Err(bad());
        }
        let mut mantissa: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(b - b'0')))
                .ok_or_else(|| format!("{s:?}: {}", NumberError::Overflow))?;
        }
        let scale = u32::try_from(frac.len()).map_err(|_| bad())?;
        Ok(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            scale,
        })
    }
}

impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Why a number has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Too large to hold exactly.
    Overflow,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::Overflow => f.write_str("number too large to represent exactly"),
        }
    }
}

type Num = Result<Decimal, NumberError>;

/// Powers of ten that fit in an `i128` (10^0 ..= 10^38).
const POW10: [i128; 39] = {
    let mut table = [1i128; 39];
    let mut i = 1;
    while i < table.len() {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// `10^exp`, if it fits.
fn pow10(exp: u32) -> Option<i128> {
    POW10.get(exp as usize).copied()
}

/// The exact product of two mantissas, if it fits. Figures mostly fit in
/// 64 bits, whose product cannot overflow 128: one multiplication, where a
/// checked 128-bit product is a library call.
fn mul_mantissas(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => a.checked_mul(b),
    }
}

impl Decimal {
    /// The integer `m` of `m × 10^-scale`.
    pub fn mantissa(self) -> i128 {
        self.mantissa
    }

    /// The number of decimal places.
    pub fn scale(self) -> u32 {
        self.scale
    }

    /// The nearest `f64` (for computing with the value, never for storing it).
    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale.min(i32::MAX as u32) as i32)
    }

    /// This value divided by `10^exp` (exact: only the scale changes).
    pub fn scaled_down(self, exp: u32) -> Self {
        Decimal {
            mantissa: self.mantissa,
            scale: self.scale.saturating_add(exp),
        }
    }

    /// Zero.
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

    /// An integer.
    pub const fn from_int(v: i128) -> Self {
        Decimal {
            mantissa: v,
            scale: 0,
        }
    }

    /// Whether the value is zero.
    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// Whether the value is an integer.
    pub fn is_integer(self) -> bool {
        self.normalized().scale == 0
    }

    fn normalized(mut self) -> Self {
        if self.scale == 0 {
            return self;
        }
        // i128 division is a library call; most figures fit in i64.
        if let Ok(mut m) = i64::try_from(self.mantissa) {
            while self.scale > 0 && m % 10 == 0 {
                m /= 10;
                self.scale -= 1;
            }
            self.mantissa = i128::from(m);
            return self;
        }
        while self.scale > 0 && self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        self
    }

    fn rescale(self, scale: u32) -> Num {
        let factor = pow10(scale - self.scale).ok_or(NumberError::Overflow)?;
        Ok(Decimal {
            mantissa: mul_mantissas(self.mantissa, factor).ok_or(NumberError::Overflow)?,
            scale,
        })
    }

    /// Exact sum.
    pub fn checked_add(self, other: Decimal) -> Num {
        // Adding zero, as number parsing mostly does, needs no rescaling
        // (unless rescaling the zero would overflow, which is an error).
        const MAX_SCALE: u32 = 38; // 10^38 is the largest power of ten in i128
        if other.mantissa == 0 && other.scale == 0 && self.scale <= MAX_SCALE {
            return Ok(self.normalized());
        }
        if self.mantissa == 0 && self.scale == 0 && other.scale <= MAX_SCALE {
            return Ok(other.normalized());
        }
        let scale = self.scale.max(other.scale);
        let (a, b) = (self.rescale(scale)?, other.rescale(scale)?);
        Ok(Decimal {
            mantissa: a
                .mantissa
                .checked_add(b.mantissa)
                .ok_or(NumberError::Overflow)?,
            scale,
        }
        .normalized())
    }

    /// Exact product.
    pub fn checked_mul(self, other: Decimal) -> Num {
        Ok(Decimal {
            mantissa: mul_mantissas(self.mantissa, other.mantissa).ok_or(NumberError::Overflow)?,
            scale: self.scale + other.scale,
        }
        .normalized())
    }

    /// Multiplies by `10^exp`.
    pub fn shift(self, exp: u32) -> Num {
        self.checked_mul(Decimal::from_int(pow10(exp).ok_or(NumberError::Overflow)?))
    }

    /// The negated value.
    pub fn negated(self) -> Self {
        Decimal {
            mantissa: -self.mantissa,
            scale: self.scale,
        }
    }

    /// Approximate ratio `self / other` with `digits` decimals (for derived
    /// figures such as implied exchange rates, never for extracted values).
    pub fn ratio(self, other: Decimal, digits: u32) -> Option<Decimal> {
        if other.mantissa == 0 {
            return None;
        }
        // (a/10^sa) / (b/10^sb) = a * 10^(sb - sa) / b
        let mut num = self.mantissa;
        let mut den = other.mantissa;
        let exp = i64::from(other.scale) - i64::from(self.scale) + i64::from(digits);
        if exp >= 0 {
            num = num.checked_mul(10i128.checked_pow(exp as u32)?)?;
        } else {
            den = den.checked_mul(10i128.checked_pow((-exp) as u32)?)?;
        }
        // Round half away from zero.
        let sign = num.signum() * den.signum();
        let (n, d) = (num.checked_abs()?, den.checked_abs()?);
        let q = sign * (n.checked_add(d / 2)? / d);
        Some(
            Decimal {
                mantissa: q,
                scale: digits,
            }
            .normalized(),
        )
    }

    /// Comparison of two exact values.
    pub fn cmp_value(self, other: Decimal) -> Option<std::cmp::Ordering> {
        let scale = self.scale.max(other.scale);
        let (a, b) = (self.rescale(scale).ok()?, other.rescale(scale).ok()?);
        Some(a.mantissa().cmp(&b.mantissa()))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Built in a stack buffer and written once: values are formatted for
        // every amount, and piecewise writes cost more than the digits.
        let d = self.normalized();
        let scale = d.scale as usize;
        if scale > 40 {
            return write_long(d, f);
        }
        // The digits, last first (u64 division where the value allows: i128
        // division is a library call).
        let mut rev = [0u8; 40];
        let mut n = 0;
        match u64::try_from(d.mantissa.unsigned_abs()) {
            Ok(mut m) => loop {
                rev[n] = b'0' + (m % 10) as u8;
                n += 1;
                m /= 10;
                if m == 0 {
                    break;
                }
            },
            Err(_) => {
                let mut m = d.mantissa.unsigned_abs();
                while m > 0 {
                    rev[n] = b'0' + (m % 10) as u8;
                    n += 1;
                    m /= 10;
                }
            }
        }
        // Sign, integer part, point, zeros, fraction: at most 1 + 40 + 1 + 40.
        let mut buf = [0u8; 82];
        let mut len = 0;
        let mut put = |b: u8| {
            buf[len] = b;
            len += 1;
        };
        if d.mantissa < 0 {
            put(b'-');
        }
        if n > scale {
            rev[scale..n].iter().rev().for_each(|&b| put(b));
        } else {
            put(b'0');
        }
        if scale > 0 {
            put(b'.');
            (n..scale).for_each(|_| put(b'0'));
            rev[..scale.min(n)].iter().rev().for_each(|&b| put(b));
        }
        // Only ASCII digits, '.' and '-' were written.
        f.write_str(std::str::from_utf8(&buf[..len]).map_err(|_| fmt::Error)?)
    }
}

/// [`Decimal`]'s text when its scale is too large for the stack buffer.
fn write_long(d: Decimal, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let sign = if d.mantissa < 0 { "-" } else { "" };
    let digits = d.mantissa.unsigned_abs().to_string();
    let scale = d.scale as usize;
    if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    } else {
        write!(f, "{sign}0.{}{digits}", "0".repeat(scale - digits.len()))
    }
}

/// A number found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedNumber {
    /// Byte offset where the number starts (including a `▲`/`-` sign).
    pub start: usize,
    /// Byte offset just past the number.
    pub end: usize,
    /// The value, or why there is none.
    pub value: Result<Decimal, NumberError>,
    /// Whether a 万/億/兆/京 unit was part of it.
    pub has_big_unit: bool,
    /// Whether it is written with kanji digits only (`三千`), which needs a
    /// unit after it to be trusted as a number.
    pub kanji_only: bool,
    /// Whether it contains a decimal point or a thousands separator.
    pub arabic: bool,
}

fn kanji_digit(c: char) -> Option<i128> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '壱' => 1,
        '二' | '弐' => 2,
        '三' | '参' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn small_unit(c: char) -> Option<u32> {
    match c {
        '十' => Some(1),
        '百' => Some(2),
        '千' => Some(3),
        _ => None,
    }
}

fn big_unit(c: char) -> Option<u32> {
    match c {
        '万' => Some(4),
        '億' => Some(8),
        '兆' => Some(12),
        '京' => Some(16),
        _ => None,
    }
}

/// Whether a number can start with `c` (not with a big unit).
fn starts_number(c: char) -> bool {
    c.is_ascii_digit() || kanji_digit(c).is_some() || small_unit(c).is_some()
}

/// Whether `c` can be part of a number.
pub fn is_number_char(c: char) -> bool {
    c.is_ascii_digit()
        || kanji_digit(c).is_some()
        || small_unit(c).is_some()
        || big_unit(c).is_some()
}

/// Parses the longest number starting exactly at `start` in `text` (folded
/// text: ASCII digits). Returns `None` when no number starts there.
pub fn parse_at(text: &str, start: usize) -> Option<ParsedNumber> {
    let rest = text.get(start..)?;
    let mut chars = rest.char_indices().peekable();
    let mut negative = false;
    let num_start = start;
    if let Some(&(_, c)) = chars.peek()
        && matches!(c, '▲' | '△' | '-' | '−')
    {
        let mut look = rest[c.len_utf8()..].chars();
        if look
            .next()
            .is_some_and(|d| d.is_ascii_digit() || kanji_digit(d).is_some())
        {
            negative = true;
            chars.next();
        }
    }

    let mut total = Decimal::ZERO; // sum of finished big-unit sections
    let mut section = Decimal::ZERO; // value below the current big unit
    let mut pending: Option<Decimal> = None; // the last digits read
    let mut pending_kanji = false;
    let mut has_big_unit = false;
    let mut last_big: u32 = u32::MAX;
    let mut end = start;
    let mut any_digit = false;
    let mut kanji_only = true;
    let mut arabic = false;
    let mut error = None;

    while let Some(&(i, c)) = chars.peek() {
        if c.is_ascii_digit() {
            if pending.is_some() {
                break;
            }
            // Arabic literal: digits, commas between groups of three, one point.
            let bytes = rest.as_bytes();
            let mut j = i;
            let mut mantissa: i128 = 0;
            let mut scale = 0u32;
            let mut seen_point = false;
            let mut overflow = false;
            while j < bytes.len() {
                let b = bytes[j];
                if b.is_ascii_digit() {
                    let digit = i128::from(b - b'0');
                    // Unchecked while far from the limit (checked 128-bit
                    // arithmetic is a library call per digit).
                    if mantissa < POW10[36] {
                        mantissa = mantissa * 10 + digit;
                    } else {
                        match mantissa.checked_mul(10).and_then(|m| m.checked_add(digit)) {
                            Some(m) => mantissa = m,
                            None => overflow = true,
                        }
                    }
                    if seen_point {
                        scale += 1;
                    }
                    j += 1;
                } else if b == b','
                    && !seen_point
                    && j + 3 < bytes.len() + 1
                    && bytes
                        .get(j + 1..j + 4)
                        .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
                    && !bytes.get(j + 4).is_some_and(u8::is_ascii_digit)
                {
                    arabic = true;
                    j += 1;
                } else if b == b'.'
                    && !seen_point
                    && bytes.get(j + 1).is_some_and(u8::is_ascii_digit)
                {
                    seen_point = true;
                    arabic = true;
                    j += 1;
                } else {
                    break;
                }
            }
            if overflow {
                error = Some(NumberError::Overflow);
            }
            pending = Some(Decimal { mantissa, scale });
            pending_kanji = false;
            any_digit = true;
            kanji_only = false;
            // Skip the chars we consumed.
            while let Some(&(k, _)) = chars.peek() {
                if k < j {
                    chars.next();
                } else {
                    break;
                }
            }
            end = start + j;
            continue;
        }
        if let Some(d) = kanji_digit(c) {
            // 二〇二五 (digit by digit) or 三 (a coefficient).
            pending = Some(match (pending, pending_kanji) {
                (Some(p), true) => match p
                    .checked_mul(Decimal::from_int(10))
                    .and_then(|v| v.checked_add(Decimal::from_int(d)))
                {
                    Ok(v) => v,
                    Err(e) => {
                        error = Some(e);
                        p
                    }
                },
                (Some(_), false) => break,
                (None, _) => Decimal::from_int(d),
            });
            pending_kanji = true;
            any_digit = true;
            chars.next();
            end = start + i + c.len_utf8();
            continue;
        }
        if c == '・'
            && pending_kanji
            && section.is_zero()
            && let Some((fraction, len)) = kanji_fraction(&rest[i + c.len_utf8()..])
        {
            // 三・五％, 一・五兆円: a middle dot as the decimal point.
            if let Some(p) = pending {
                match p.checked_add(fraction) {
                    Ok(v) => pending = Some(v),
                    Err(e) => error = Some(e),
                }
            }
            pending_kanji = false;
            let next = i + c.len_utf8() + len;
            while chars.peek().is_some_and(|&(k, _)| k < next) {
                chars.next();
            }
            end = start + next;
            continue;
        }
        if let Some(exp) = small_unit(c) {
            let coefficient = pending.take().unwrap_or(Decimal::from_int(1));
            match coefficient.shift(exp).and_then(|v| section.checked_add(v)) {
                Ok(v) => section = v,
                Err(e) => error = Some(e),
            }
            pending_kanji = false;
            any_digit = true;
            chars.next();
            end = start + i + c.len_utf8();
            continue;
        }
        if let Some(exp) = big_unit(c) {
            // A big unit needs something before it and must descend (億 then 万).
            if (!any_digit && pending.is_none()) || exp >= last_big {
                break;
            }
            let value = match pending.take() {
                Some(p) => section.checked_add(p),
                None => Ok(section),
            };
            match value
                .and_then(|v| v.shift(exp))
                .and_then(|v| total.checked_add(v))
            {
                Ok(v) => total = v,
                Err(e) => error = Some(e),
            }
            section = Decimal::ZERO;
            last_big = exp;
            has_big_unit = true;
            pending_kanji = false;
            chars.next();
            end = start + i + c.len_utf8();
            continue;
        }
        break;
    }
    if !any_digit {
        return None;
    }
    let mut value = match pending {
        Some(p) => section.checked_add(p).and_then(|s| total.checked_add(s)),
        None => total.checked_add(section),
    };
    if let Some(e) = error {
        value = Err(e);
    }
    if negative {
        value = value.map(Decimal::negated);
    }
    Some(ParsedNumber {
        start: num_start,
        end,
        value,
        has_big_unit,
        kanji_only,
        arabic,
    })
}

/// The kanji digits after a middle-dot decimal point (`五` of `三・五％`) as a
/// fraction, and their length in bytes, when a percent sign or a unit
/// follows them (so `三・四月` stays two months).
fn kanji_fraction(after_dot: &str) -> Option<(Decimal, usize)> {
    let mut fraction = Decimal::ZERO;
    let mut len = 0;
    for (k, c) in after_dot.chars().map_while(kanji_digit).enumerate() {
        let digit = Decimal::from_int(c).scaled_down(u32::try_from(k + 1).ok()?);
        fraction = fraction.checked_add(digit).ok()?;
        len += '〇'.len_utf8();
    }
    let unit = after_dot[len..].starts_with(['%', '％', '兆', '億', '万', '倍', '円', '割'])
        || after_dot[len..].starts_with("ドル")
        || after_dot[len..].starts_with("ポイント");
    (len > 0 && unit).then_some((fraction, len))
}

/// A sign word or mark right before a figure at `pos`: where it starts and
/// whether it is negative (`マイナス`, `プラス`, `−`, and an ASCII `-`/`+`).
/// An ASCII mark counts only where no word or figure runs into it — not
/// inside a range or a code (`3-5%`, `A-1`, `2024-05`, `ボーイング-737`):
/// after a space, punctuation, 比 or a particle (`前年同期比 -2.1%`,
/// `純損益は-30億円`; not `10,000円-12,000円`, a range).
pub(crate) fn sign_before(text: &str, pos: usize) -> Option<(usize, bool)> {
    let head = &text[..pos];
    for (word, negative) in [("マイナス", true), ("プラス", false), ("−", true)] {
        if head.ends_with(word) {
            return Some((pos - word.len(), negative));
        }
    }
    let negative = match head.as_bytes().last()? {
        b'-' => true,
        b'+' => false,
        _ => return None,
    };
    let before = head[..head.len() - 1].chars().next_back();
    before
        .is_none_or(|c| {
            c.is_whitespace()
                || matches!(c, '(' | '（' | '、' | ',' | ':' | '：' | '=' | '「' | '比')
                || ('\u{3041}'..='\u{309F}').contains(&c)
        })
        .then_some((pos - 1, negative))
}

/// Parses a whole decimal string such as `"53000000000"` or `"-3.5"`.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    parse_at(s, 0).and_then(|n| (n.end == s.len()).then_some(n.value.ok()).flatten())
}

/// Every number in `text`, left to right, not overlapping. A number does not
/// start in the middle of an ASCII word (`GPT4o`, `A100`).
pub fn scan(text: &str) -> Vec<ParsedNumber> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let starts = (starts_number(c) && !continues_word(text, i))
            || (matches!(c, '▲' | '△')
                && text[i + c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit()));
        if starts && let Some(n) = parse_at(text, i) {
            out.push(n);
            i = n.end.max(i + 1);
            while !text.is_char_boundary(i) {
                i += 1;
            }
            continue;
        }
        i += c.len_utf8();
    }
    out
}

/// Whether `text[at..]` continues an ASCII word or decimal (`GPT4o`, `A100`,
/// `.5`): no number starts there.
fn continues_word(text: &str, at: usize) -> bool {
    text[..at]
        .bytes()
        .next_back()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// The characters other than ASCII digits a number or a sign starts with
/// (see [`is_number_char`]), all of three bytes in UTF-8.
const NUMBER_LEADS: [char; 22] = [
    '〇', '零', '一', '壱', '二', '弐', '三', '参', '四', '五', '六', '七', '八', '九', '十', '百',
    '千', '万', '億', '兆', '京', '▲',
];

/// One bit per pair of first two UTF-8 bytes, set for the pairs that
/// [`NUMBER_LEADS`] (and `△`, which shares `▲`'s) start with.
static NUMBER_LEAD_PAIRS: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut i = 0;
    while i < NUMBER_LEADS.len() {
        let c = NUMBER_LEADS[i] as u32;
        // A character of three bytes: 1110xxxx 10xxxxxx 10xxxxxx.
        let pair = ((0xE0 | (c >> 12)) << 8 | (0x80 | ((c >> 6) & 0x3F))) as usize;
        bits[pair / 64] |= 1 << (pair % 64);
        i += 1;
    }
    bits
};

/// Whether a number may start at byte `at`: an ASCII digit, or a first
/// pair of bytes that some [`NUMBER_LEADS`] character has (a superset:
/// the character decides).
fn may_start_number(bytes: &[u8], at: usize) -> bool {
    let Some(&b0) = bytes.get(at) else {
        return false;
    };
    let b1 = bytes.get(at + 1).copied().unwrap_or(0);
    let pair = usize::from(b0) << 8 | usize::from(b1);
    b0.is_ascii_digit() | (NUMBER_LEAD_PAIRS[pair / 64] >> (pair % 64) & 1 != 0)
}

/// [`scan`] over tokenized text: numbers start only where a token IPADIC
/// tags as a numeral (`名詞,数`) starts, or at a `▲`/`△` sign right before
/// one, so the tokenizer's reading of every character is reused and kanji
/// inside words (`一部`, `百貨店`, `四半期`) never start a number.
pub(crate) fn scan_tokens(text: &str, tokens: &[RawToken]) -> Vec<ParsedNumber> {
    let mut out = Vec::with_capacity(tokens.len() / 8);
    let mut end = 0;
    for (k, t) in tokens.iter().enumerate() {
        let start = t.norm.start;
        if start < end {
            continue;
        }
        // Most tokens are ruled out by their first two bytes in one table
        // lookup, with no branch the processor would mispredict on mixed
        // kana, kanji and Latin text, and without reading their features.
        if !may_start_number(text.as_bytes(), start) {
            continue;
        }
        // The rest by their first character (一部, 上昇 share 一's bytes).
        let first = text[start..].chars().next().unwrap_or(' ');
        if !(is_number_char(first) || matches!(first, '▲' | '△')) {
            continue;
        }
        let numeral = t.features[1] == "数";
        let sign = !numeral
            && matches!(&text[t.norm.range()], "▲" | "△")
            && tokens.get(k + 1).is_some_and(|n| {
                n.norm.start == t.norm.end && text.as_bytes()[n.norm.start].is_ascii_digit()
            });
        if !(numeral || sign) {
            continue;
        }
        if continues_word(text, start) {
            continue;
        }
        if let Some(n) = parse_at(text, start) {
            end = n.end;
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lead_table_passes_every_character_a_number_starts_with() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            if is_number_char(c) || matches!(c, '▲' | '△') {
                assert!(may_start_number(bytes, 0), "{c:?}");
            }
        }
        for c in ['あ', 'ア', 'a', '%', '円', '株'] {
            let mut buf = [0u8; 4];
            assert!(
                !may_start_number(c.encode_utf8(&mut buf).as_bytes(), 0),
                "{c:?}"
            );
        }
        assert!(!may_start_number(b"", 0));
    }

    macro_rules! t {
        ($text:expr, $value:expr) => {{
            let n = parse_at($text, 0).expect($text);
            assert_eq!(
                n.value.map(|v| v.to_string()),
                Ok($value.to_string()),
                "{}",
                $text
            );
        }};
    }

    #[test]
    fn numerals() {
        t!("7兆8200億", "7820000000000");
        t!("三千二百億", "320000000000");
        t!("2億5千万", "250000000");
        t!("1兆2,345億", "1234500000000");
        t!("二十億", "2000000000");
        t!("0.5億", "50000000");
        t!("1,234百万", "1234000000");
        t!("3.5兆", "3500000000000");
        t!("3,000", "3000");
        t!("3.97", "3.97");
        t!("二〇二五", "2025");
        t!("十", "10");
        t!("百二十三", "123");
        t!("▲12億", "-1200000000");
        t!("△3.5", "-3.5");
        t!("530億", "53000000000");
        t!("1億2000万", "120000000");
        t!("12,500億", "1250000000000");
        // A middle dot as the decimal point, before a unit or a percent sign.
        t!("三・五％", "3.5");
        t!("一・二五兆", "1250000000000");
        let months = parse_at("三・四月", 0).unwrap();
        assert_eq!(
            (months.end, months.value.map(|v| v.to_string())),
            (3, Ok("3".into()))
        );
    }

    #[test]
    fn decimals_print_exactly() {
        let d = |mantissa: i128, scale: u32| Decimal { mantissa, scale }.to_string();
        assert_eq!(d(0, 0), "0");
        assert_eq!(d(0, 3), "0");
        assert_eq!(d(-7, 0), "-7");
        assert_eq!(d(5, 2), "0.05");
        assert_eq!(d(-1, 3), "-0.001");
        assert_eq!(d(15832, 2), "158.32");
        assert_eq!(d(350, 2), "3.5");
        assert_eq!(d(-53_000_000_000, 0), "-53000000000");
        assert_eq!(
            d(123_456_789_012_345_678_901_234_567_895, 1),
            "12345678901234567890123456789.5"
        );
        assert_eq!(d(i128::MIN, 0), i128::MIN.to_string());
        assert_eq!(d(-1, 39), format!("-0.{}1", "0".repeat(38)));
        assert_eq!(d(3, 45), format!("0.{}3", "0".repeat(44)));
    }

    #[test]
    fn decimals_parse_and_serialize_as_plain_text() {
        let d: Decimal = "-0.050".parse().unwrap();
        assert_eq!(
            d,
            Decimal {
                mantissa: -5,
                scale: 2
            }
        );
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"-0.05\"");
        let back: Decimal = serde_json::from_str("\"-0.05\"").unwrap();
        assert_eq!(back, d);
        for bad in [
            "",
            "-",
            "1.",
            ".5",
            "1e5",
            "１",
            "1,000",
            "--1",
            &"9".repeat(40),
        ] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad:?}");
        }
        assert!(serde_json::from_str::<Decimal>("\"x\"").is_err());
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let digits = "9".repeat(10_000) + "兆";
        let n = parse_at(&digits, 0).unwrap();
        assert_eq!(n.value, Err(NumberError::Overflow));
        assert_eq!(n.end, digits.len());
    }

    #[test]
    fn commas_need_groups_of_three() {
        let n = parse_at("1,23", 0).unwrap();
        assert_eq!(n.value.unwrap().to_string(), "1");
        let n = parse_at("1,234,567円", 0).unwrap();
        assert_eq!(n.value.unwrap().to_string(), "1234567");
    }

    #[test]
    fn scan_skips_words() {
        let found: Vec<_> = scan("GPT4oとA100は3億")
            .iter()
            .map(|n| n.value.unwrap().to_string())
            .collect();
        assert_eq!(found, ["300000000"]);
    }

    #[test]
    fn token_scan_starts_only_at_numerals() {
        let text = "GPT4oとA100は3億、一部の百貨店は▲12億、二〇二五年に三千二百億円";
        let tokenizer = crate::tokenize::Tokenizer::new().unwrap();
        let found: Vec<(String, String)> = tokenizer.with_tokens(text, |tokens| {
            scan_tokens(text, tokens)
                .iter()
                .map(|n| {
                    (
                        text[n.start..n.end].to_string(),
                        n.value.unwrap().to_string(),
                    )
                })
                .collect()
        });
        let expected = [
            ("3億", "300000000"),
            ("▲12億", "-1200000000"),
            ("二〇二五", "2025"),
            ("三千二百億", "320000000000"),
        ];
        assert_eq!(found, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    }

    #[test]
    fn tiny_decimals_overflow_as_before() {
        let zero_point = format!("0.{}1", "0".repeat(40));
        assert_eq!(
            parse_at(&zero_point, 0).unwrap().value,
            Err(NumberError::Overflow)
        );
        let n = parse_at("0.00000000000000000000000000000000000001", 0).unwrap();
        assert_eq!(
            n.value.unwrap().to_string(),
            "0.00000000000000000000000000000000000001"
        );
    }

    #[test]
    fn ratio() {
        let a = Decimal::from_int(7820000000000);
        let b = Decimal::from_int(53000000000);
        assert_eq!(a.ratio(b, 2).unwrap().to_string(), "147.55");
    }
}
