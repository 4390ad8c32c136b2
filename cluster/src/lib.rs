//! What the MPI programs share: the dart-throwing kernel, the chunk plan that
//! makes an estimate independent of how many ranks and threads run it, the
//! queue's task, and argument parsing with clear errors.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Throws are split into this many chunks by default, each with its own
/// seeded generator: the estimate depends on the chunks, not on who runs them.
pub const DEFAULT_CHUNKS: u64 = 64;

/// The base seed; chunk `c` uses `SEED + c`.
pub const SEED: u64 = 2026;

/// How many of `throws` random darts in the unit square land inside the
/// quarter circle, from the generator seeded with `seed`.
pub fn hits(seed: u64, throws: u64) -> u64 {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut inside = 0;
    for _ in 0..throws {
        let (x, y): (f64, f64) = (rng.random(), rng.random());
        inside += u64::from(x * x + y * y <= 1.0);
    }
    inside
}

/// The throws of chunk `c` when `throws` are split into `chunks` near-equal
/// chunks (the first `throws % chunks` chunks get one more).
pub fn chunk_throws(throws: u64, chunks: u64, c: u64) -> u64 {
    throws / chunks + u64::from(c < throws % chunks)
}

/// The queue's task: the total number of Collatz steps of the numbers in
/// block `id` (1000 numbers), a computation whose cost varies by block.
pub fn collatz_block(id: u64) -> u64 {
    (id * 1000 + 1..=(id + 1) * 1000)
        .map(|mut n| {
            let mut steps = 0;
            while n != 1 {
                n = if n.is_multiple_of(2) {
                    n / 2
                } else {
                    3 * n + 1
                };
                steps += 1;
            }
            steps
        })
        .sum()
}

/// Reads `--name value` options. Unknown options and bad numbers are errors
/// that name the option.
pub struct Args {
    pairs: Vec<(String, String)>,
}

impl Args {
    /// Parses `args` (without the program name), accepting only `known` options.
    pub fn parse(args: impl IntoIterator<Item = String>, known: &[&str]) -> Result<Args, String> {
        let mut pairs = Vec::new();
        let mut it = args.into_iter();
        while let Some(flag) = it.next() {
            let name = flag
                .strip_prefix("--")
                .filter(|n| known.contains(n))
                .ok_or_else(|| {
                    format!(
                        "unknown argument `{flag}` (options: --{})",
                        known.join(", --")
                    )
                })?;
            let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            pairs.push((name.to_string(), value));
        }
        Ok(Args { pairs })
    }

    /// The number given for `--name`, or `default`; `min` is the smallest accepted.
    pub fn number(&self, name: &str, default: u64, min: u64) -> Result<u64, String> {
        match self.pairs.iter().rev().find(|(n, _)| n == name) {
            None => Ok(default),
            Some((_, v)) => {
                let digits: String = v.chars().filter(|c| *c != '_').collect();
                let parsed = parse_number(&digits)
                    .ok_or_else(|| format!("--{name}: `{v}` is not a whole number"))?;
                if parsed < min {
                    return Err(format!("--{name} must be at least {min}, got {parsed}"));
                }
                Ok(parsed)
            }
        }
    }
}

/// A whole number, also written as a power of ten: `1e9`.
fn parse_number(text: &str) -> Option<u64> {
    if let Some((mantissa, exponent)) = text.split_once(['e', 'E']) {
        let m: u64 = mantissa.parse().ok()?;
        let e: u32 = exponent.parse().ok()?;
        return m.checked_mul(10u64.checked_pow(e)?);
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_add_up_to_the_throws() {
        for (throws, chunks) in [(10, 3), (64, 64), (5, 8), (1_000_003, 64)] {
            let total: u64 = (0..chunks).map(|c| chunk_throws(throws, chunks, c)).sum();
            assert_eq!(total, throws);
        }
    }

    #[test]
    fn numbers_parse_with_underscores_and_powers_of_ten() {
        let args = Args::parse(
            [
                "--throws".into(),
                "1e6".into(),
                "--threads".into(),
                "2_0".into(),
            ],
            &["throws", "threads"],
        )
        .unwrap();
        assert_eq!(args.number("throws", 0, 1).unwrap(), 1_000_000);
        assert_eq!(args.number("threads", 1, 1).unwrap(), 20);
        assert_eq!(args.number("missing", 7, 1).unwrap(), 7);
    }

    #[test]
    fn bad_arguments_are_named() {
        let err = Args::parse(["--rank".into(), "1".into()], &["throws"])
            .err()
            .unwrap();
        assert!(err.contains("unknown argument `--rank`"), "{err}");
        let args = Args::parse(["--threads".into(), "0".into()], &["threads"]).unwrap();
        assert_eq!(
            args.number("threads", 1, 1).unwrap_err(),
            "--threads must be at least 1, got 0"
        );
        let args = Args::parse(["--throws".into(), "many".into()], &["throws"]).unwrap();
        assert!(
            args.number("throws", 1, 1)
                .unwrap_err()
                .contains("not a whole number")
        );
    }

    #[test]
    fn the_estimate_is_close_to_pi() {
        let throws = 200_000;
        let inside: u64 = (0..8)
            .map(|c| hits(SEED + c, chunk_throws(throws, 8, c)))
            .sum();
        let pi = 4.0 * inside as f64 / throws as f64;
        assert!((pi - std::f64::consts::PI).abs() < 0.02, "{pi}");
    }
}
