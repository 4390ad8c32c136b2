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

/// The odd constant [`chunk_seed`] multiplies chunk numbers by: 2⁶⁴ divided by
/// the golden ratio, rounded to an odd number (the "Fibonacci hashing"
/// multiplier). Neighbouring chunk numbers come out far apart in every bit.
pub const SEED_SPREAD: u64 = 0x9E37_79B9_7F4A_7C15;

/// The seed of chunk `chunk` of a run seeded with `seed`:
/// `seed ^ (chunk + 1) × SEED_SPREAD` (the product wrapping around 2⁶⁴).
///
/// Every chunk throws its own darts from its own generator, so the estimate
/// does not depend on which thread (or MPI rank) runs which chunk. The formula
/// guarantees three things, each tested:
/// - chunks of one run get different seeds (multiplying by an odd number
///   never maps two chunk numbers to one product);
/// - no chunk reuses the run's own seed (`chunk + 1` is never 0, so the
///   product is never 0): chunk 0 does not repeat a serial run's darts;
/// - runs with different seeds give a chunk different seeds (`^` with a fixed
///   value is a one-to-one map; `|` or `+` would not be, or not safely).
///
/// The `pi` program, chapter 09's answer and `mpi-pi` all call it, so they
/// print the same estimate for the same throws and seed.
///
/// # Examples
///
/// ```
/// use workbook::pi::{SEED_SPREAD, chunk_seed};
/// assert_eq!(chunk_seed(0, 0), SEED_SPREAD);
/// assert_eq!(chunk_seed(2024, 1), 2024 ^ SEED_SPREAD.wrapping_mul(2));
/// assert_eq!(chunk_seed(7, 3), 0x78DD_E6E5_FD29_F053);
/// let seeds: Vec<u64> = (0..4).map(|c| chunk_seed(7, c)).collect();
/// assert!(seeds.iter().all(|&s| s != 7), "no chunk reuses the run's seed");
/// ```
pub fn chunk_seed(seed: u64, chunk: u64) -> u64 {
    seed ^ (chunk + 1).wrapping_mul(SEED_SPREAD)
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

/// Parses a `--threads` value: as [`parse_threads`], but nothing is an error.
/// The one rule for `pi` and `mpi-pi`.
///
/// ```
/// use workbook::pi::parse_thread_flag;
/// assert_eq!(parse_thread_flag("4"), Ok(4));
/// assert!(parse_thread_flag("").unwrap_err().contains("got nothing"));
/// assert!(parse_thread_flag("5000").unwrap_err().contains("4096"));
/// ```
pub fn parse_thread_flag(text: &str) -> Result<usize, String> {
    if text.trim().is_empty() {
        return Err(format!(
            "the thread count must be a whole number from 1 to {MAX_THREADS}, got nothing"
        ));
    }
    parse_threads(Some(text), 1)
}

/// The most darts `pi` and `mpi-pi` throw: about 40 minutes on one core at
/// the workbook's 400 million throws a second, so more is surely a typo.
pub const MAX_THROWS: u64 = 1_000_000_000_000;

/// Parses a dart count from 1 to [`MAX_THROWS`]: `1000000`, `1_000_000` or `1e6`.
///
/// ```
/// use workbook::pi::parse_throws;
/// assert_eq!(parse_throws("1e9"), Ok(1_000_000_000));
/// assert!(parse_throws("0").unwrap_err().contains("at least 1"));
/// assert!(parse_throws("1e19").unwrap_err().contains("at most"));
/// ```
pub fn parse_throws(text: &str) -> Result<u64, String> {
    let cleaned = text.trim().replace('_', "");
    let number = match cleaned.split_once(['e', 'E']) {
        Some((m, e)) => m
            .parse::<u64>()
            .ok()
            .zip(e.parse::<u32>().ok())
            .map(|(m, e)| 10u64.checked_pow(e).and_then(|p| p.checked_mul(m))),
        None => cleaned.parse::<u64>().ok().map(Some),
    };
    let wanted = format!("a whole number of throws from 1 to {MAX_THROWS} (1e12)");
    match number {
        None => Err(format!("{wanted}, got {text:?}")),
        Some(Some(0)) => Err(format!("the throws must be at least 1: {wanted}")),
        Some(Some(n)) if n <= MAX_THROWS => Ok(n),
        Some(_) => Err(format!(
            "{text} throws is too many: at most {MAX_THROWS} (1e12)"
        )),
    }
}

/// The signal a watcher thread of [`time_with_watcher`] waits on: it tells
/// the watcher when the work is done, and wakes it at once when it is.
pub struct WorkDone(std::sync::mpsc::Receiver<()>);

impl WorkDone {
    /// Waits at most `timeout` for the work to finish: `true` once it has.
    /// A watcher that updates a display calls it in a loop, instead of a
    /// sleep that would keep the program waiting after the work ends.
    pub fn wait(&self, timeout: std::time::Duration) -> bool {
        use std::sync::mpsc::RecvTimeoutError;
        !matches!(self.0.recv_timeout(timeout), Err(RecvTimeoutError::Timeout))
    }
}

/// Runs `work` and times it, while `watch` (a progress display) runs on a
/// thread of its own until the work is done. Returns the work's result and
/// its seconds.
///
/// The clock stops when `work` returns, before the watcher is woken and
/// joined: however long the watcher takes to finish, it is not counted.
///
/// ```
/// use std::time::Duration;
/// use workbook::pi::time_with_watcher;
/// let (sum, seconds) = time_with_watcher(
///     || (1..=100u64).sum::<u64>(),
///     |done| while !done.wait(Duration::from_millis(100)) { /* show progress */ },
/// );
/// assert_eq!(sum, 5050);
/// assert!(seconds >= 0.0);
/// ```
pub fn time_with_watcher<T>(
    work: impl FnOnce() -> T,
    watch: impl FnOnce(WorkDone) + Send,
) -> (T, f64) {
    let (done, signal) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(move || watch(WorkDone(signal)));
        let start = std::time::Instant::now();
        let result = work();
        let seconds = start.elapsed().as_secs_f64();
        drop(done); // wakes the watcher; the scope then joins it
        (result, seconds)
    })
}

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
    fn chunk_seeds_are_distinct_across_chunks_and_across_runs() {
        let mut seen = std::collections::HashSet::new();
        for seed in 0..64u64 {
            for chunk in 0..256u64 {
                let s = chunk_seed(seed, chunk);
                assert_ne!(s, seed, "chunk {chunk} reuses the run's seed {seed}");
                assert!(seen.insert(s), "chunk {chunk} of run {seed} repeats a seed");
            }
        }
    }

    #[test]
    fn chunks_throw_independent_darts() {
        // The first dart of each chunk: equal darts would mean shared streams.
        let firsts: std::collections::HashSet<u64> = (0..256)
            .map(|c| SmallRng::seed_from_u64(chunk_seed(2024, c)).next_u64())
            .chain([SmallRng::seed_from_u64(2024).next_u64()])
            .collect();
        assert_eq!(firsts.len(), 257);
        let estimates: std::collections::HashSet<u64> = (0..16)
            .map(|c| count_hits(chunk_seed(1, c), 10_000))
            .collect();
        assert!(
            estimates.len() > 8,
            "chunks gave {} distinct counts of 16",
            estimates.len()
        );
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

    #[test]
    fn the_watcher_is_woken_when_the_work_ends_and_its_finish_is_not_timed() {
        use std::time::{Duration, Instant};
        let linger = Duration::from_millis(400);
        let outside = Instant::now();
        let (woken, seconds) = time_with_watcher(
            || 7,
            |done| {
                // Told the work is done long before the hour is up...
                assert!(done.wait(Duration::from_secs(3600)));
                // ...then slow to finish: none of it is the work's time.
                std::thread::sleep(linger);
            },
        );
        let total = outside.elapsed().as_secs_f64();
        assert_eq!(woken, 7);
        assert!(
            seconds + linger.as_secs_f64() <= total,
            "reported {seconds:.3} s, of which the watcher's finish; {total:.3} s in all"
        );
    }
}
