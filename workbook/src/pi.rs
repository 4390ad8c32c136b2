//! The dart-throwing kernel of chapter 09: Monte Carlo estimates of pi.
//!
//! A dart lands at a random point of the unit square; it *hits* when it
//! falls inside the quarter circle of radius 1. The fraction of hits tends
//! to pi / 4.

use rand::rngs::SmallRng;
use rand::{RngCore, SeedableRng};

/// Throws `throws` darts from a generator seeded with `seed`; returns how many hit.
///
/// One random `u64` makes one dart: its high 32 bits are x, its low 32 bits
/// are y, both read as fractions of 2³². The dart hits when x² + y² < 2⁶⁴,
/// that is when (x/2³²)² + (y/2³²)² < 1. The sum overflows a `u64` exactly
/// when it reaches 2⁶⁴, so the test is one multiply-add and an overflow flag:
/// no floating point, no division.
///
/// The same seed always throws the same darts (on the same platform: `SmallRng`
/// is Xoshiro256++ on 64-bit machines).
///
/// ```
/// let hits = workbook::pi::count_hits(42, 1_000_000);
/// let pi = 4.0 * hits as f64 / 1e6;
/// assert!((pi - std::f64::consts::PI).abs() < 0.01);
/// assert_eq!(hits, workbook::pi::count_hits(42, 1_000_000)); // same seed, same darts
/// ```
pub fn count_hits(seed: u64, throws: u64) -> u64 {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut hits = 0u64;
    for _ in 0..throws {
        let r = rng.next_u64();
        let (x, y) = (r >> 32, r & 0xFFFF_FFFF);
        let (_, outside) = (x * x).overflowing_add(y * y);
        hits += u64::from(!outside);
    }
    hits
}

/// Parses a thread count given as text (an environment variable, a
/// command-line argument): `None` or an empty value means `default`.
///
/// ```
/// use workbook::pi::parse_threads;
/// assert_eq!(parse_threads(None, 8), Ok(8));
/// assert_eq!(parse_threads(Some("3"), 8), Ok(3));
/// assert!(parse_threads(Some("0"), 8).unwrap_err().contains("at least 1"));
/// assert!(parse_threads(Some("four"), 8).unwrap_err().contains("\"four\""));
/// ```
pub fn parse_threads(value: Option<&str>, default: usize) -> Result<usize, String> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(default);
    };
    match text.parse::<usize>() {
        Ok(0) => Err("the thread count must be at least 1, got 0".to_string()),
        Ok(n) if n > MAX_THREADS => Err(format!(
            "the thread count {n} is more than {MAX_THREADS}: surely a typo"
        )),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "the thread count must be a whole number such as 4, got {text:?}"
        )),
    }
}

/// The most threads [`parse_threads`] accepts.
pub const MAX_THREADS: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_throws_no_hits() {
        assert_eq!(count_hits(1, 0), 0);
    }

    #[test]
    fn different_seeds_throw_different_darts() {
        assert_ne!(count_hits(1, 10_000), count_hits(2, 10_000));
    }

    #[test]
    fn bad_thread_counts_are_refused_by_value() {
        assert!(parse_threads(Some("-2"), 1).unwrap_err().contains("\"-2\""));
        assert!(
            parse_threads(Some("100000"), 1)
                .unwrap_err()
                .contains("100000")
        );
        assert_eq!(parse_threads(Some(" "), 5), Ok(5));
    }
}
