//! A fast, non-cryptographic hasher for the lexicon and weight maps, whose
//! keys are our own data, not attacker-chosen (the FxHash mix used by rustc).

use std::hash::{BuildHasherDefault, Hasher};

/// FxHash: one multiply and rotate per word.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        // The tail in at most three words (4, 2, 1 bytes), not byte by byte:
        // most keys are a few Japanese characters, 3 bytes each.
        let mut rest = chunks.remainder();
        if let Some((word, tail)) = rest.split_first_chunk::<4>() {
            self.add(u64::from(u32::from_le_bytes(*word)));
            rest = tail;
        }
        if let Some((word, tail)) = rest.split_first_chunk::<2>() {
            self.add(u64::from(u16::from_le_bytes(*word)));
            rest = tail;
        }
        if let Some(&b) = rest.first() {
            self.add(u64::from(b));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Hasher for keys that are already hashes ([`fx_hash`] values): FxHash
/// leaves the low bits of a word weak, and hash tables index by them, so a
/// finalizer (murmur3's) spreads every bit before use.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PrehashedHasher {
    hash: u64,
}

impl Hasher for PrehashedHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed with this; anything else still works.
        for &b in bytes {
            self.hash = (self.hash.rotate_left(8) ^ u64::from(b)).wrapping_mul(SEED);
        }
    }

    #[inline]
    fn write_u64(&mut self, mut k: u64) {
        k ^= k >> 33;
        k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
        k ^= k >> 33;
        k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        k ^= k >> 33;
        self.hash = k;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A map keyed by [`fx_hash`] values.
pub(crate) type HashMap64<V> =
    std::collections::HashMap<u64, V, BuildHasherDefault<PrehashedHasher>>;

/// `HashMap` with [`FxHasher`].
pub(crate) type FxHashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Hash of a string with [`FxHasher`] (for sets of keys seen).
pub(crate) fn fx_hash(s: &str) -> u64 {
    let mut h = FxHasher::default();
    // The length keeps `"x"` and `"x\0"` apart (the tail is read in words).
    h.write_usize(s.len());
    h.write(s.as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tails_and_lengths_hash_apart() {
        let words: Vec<String> = (0..20).map(|n| "a".repeat(n)).collect();
        let mut hashes: Vec<u64> = words.iter().map(|w| fx_hash(w)).collect();
        hashes.extend(["x", "x\0", "x\0\0", "売上", "売上高"].map(fx_hash));
        let n = hashes.len();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), n);
    }

    #[test]
    fn prehashed_keys_fill_the_low_bits() {
        // Bucket indexes come from the low bits: 256 hashes of short keys
        // should land in many of 256 buckets, not a handful.
        let mut buckets = std::collections::HashSet::new();
        for i in 0..256u32 {
            let mut h = PrehashedHasher::default();
            h.write_u64(fx_hash(&format!("w:{i}")));
            buckets.insert(h.finish() & 0xff);
        }
        assert!(buckets.len() > 128, "{}", buckets.len());
    }
}
