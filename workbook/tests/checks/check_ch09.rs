//! Wrong answers to chapter 09's exercises: each must be rejected, and the
//! message must say what went wrong.

use rayon::prelude::*;

use crate::common::{assert_done, assert_wrong};
use workbook::check::ch09;

// ch09 split_throws -------------------------------------------------------

/// Integer division only: the remainder is lost.
fn drops_remainder(throws: u64, chunks: u64) -> Vec<u64> {
    vec![throws / chunks; chunks as usize]
}

/// The whole remainder goes to the last chunk.
fn remainder_to_last(throws: u64, chunks: u64) -> Vec<u64> {
    let mut sizes = vec![throws / chunks; chunks as usize];
    *sizes.last_mut().unwrap() += throws % chunks;
    sizes
}

/// Rounds every chunk up: too many throws.
fn rounds_up(throws: u64, chunks: u64) -> Vec<u64> {
    vec![throws.div_ceil(chunks); chunks as usize]
}

#[test]
fn a_dropped_remainder_loses_throws() {
    assert_wrong(
        || ch09::split_throws(drops_remainder),
        &[
            "add up to 0, not 3: 3 throws lost",
            "give the remainder, 3, out one throw per chunk",
        ],
    );
}

#[test]
fn a_remainder_in_one_chunk_is_unbalanced() {
    assert_wrong(
        || ch09::split_throws(remainder_to_last),
        &["[0, 0, 0, 0, 3] add up, but differ by 3"],
    );
}

#[test]
fn rounding_up_throws_too_many() {
    assert_wrong(
        || ch09::split_throws(rounds_up),
        &[
            "3 throws in 5 chunks",
            "add up to 5, not 3: 2 throws too many",
        ],
    );
}

// ch09 pi_chunked ----------------------------------------------------------

type Kernel<'a> = &'a (dyn Fn(u64, u64) -> u64 + Sync);

fn sizes(throws: u64, chunks: u64) -> Vec<u64> {
    let (base, extra) = (throws / chunks, throws % chunks);
    (0..chunks).map(|i| base + u64::from(i < extra)).collect()
}

fn pool_sum(threads: usize, work: impl Fn() -> u64 + Send) -> Result<f64, String> {
    if threads == 0 {
        return Err("threads must be at least 1".into());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(pool.install(work) as f64)
}

fn guard(throws: u64, threads: usize) -> Result<(), String> {
    if threads == 0 {
        return Err("threads must be at least 1".into());
    }
    if throws == 0 {
        return Err("throws must be at least 1".into());
    }
    Ok(())
}

/// Every chunk gets the run's seed: identical streams.
fn one_seed_for_all(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    guard(throws, threads)?;
    let s = sizes(throws, 256);
    let h = pool_sum(threads, || s.par_iter().map(|&n| hits(seed, n)).sum())?;
    Ok(4.0 * h / throws as f64)
}

/// Chunks of `throws / 256` each: the remainder is never thrown.
fn chunks_short(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    guard(throws, threads)?;
    let h = pool_sum(threads, || {
        (0..256u64)
            .into_par_iter()
            .map(|i| hits(seed + i, throws / 256))
            .sum()
    })?;
    Ok(4.0 * h / throws as f64)
}

/// One chunk per thread: the estimate depends on the thread count.
fn chunk_per_thread(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    guard(throws, threads)?;
    let s = sizes(throws, threads.max(2) as u64);
    let h = pool_sum(threads, || {
        s.par_iter()
            .enumerate()
            .map(|(i, &n)| hits(seed + i as u64, n))
            .sum()
    })?;
    Ok(4.0 * h / throws as f64)
}

/// Right chunks and seeds, but a plain sequential loop.
fn sequential(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    guard(throws, threads)?;
    let h: u64 = sizes(throws, 256)
        .iter()
        .enumerate()
        .map(|(i, &n)| hits(seed + i as u64, n))
        .sum();
    Ok(4.0 * h as f64 / throws as f64)
}

/// Accepts 0 threads and quietly uses rayon's default pool.
fn zero_threads_ok(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    if throws == 0 {
        return Err("throws must be at least 1".into());
    }
    let s = sizes(throws, 256);
    let h = pool_sum(threads.max(1), || {
        s.par_iter()
            .enumerate()
            .map(|(i, &n)| hits(seed + i as u64, n))
            .sum()
    })?;
    let _ = threads;
    Ok(4.0 * h / throws as f64)
}

#[test]
fn chunks_that_share_one_seed_are_rejected() {
    assert_wrong(
        || ch09::pi_chunked(one_seed_for_all),
        &["got the same seed", "identical", "seed of its own"],
    );
}

#[test]
fn chunks_that_do_not_add_up_are_rejected() {
    assert_wrong(
        || ch09::pi_chunked(chunks_short),
        &["add up to 99840 throws, not 100000"],
    );
}

#[test]
fn an_estimate_that_depends_on_the_thread_count_is_rejected() {
    assert_wrong(
        || ch09::pi_chunked(chunk_per_thread),
        &["the estimate changed with the thread count"],
    );
}

#[test]
fn a_sequential_loop_is_rejected() {
    assert_wrong(|| ch09::pi_chunked(sequential), &["no thread was started"]);
}

#[test]
fn zero_threads_must_be_an_error() {
    assert_wrong(
        || ch09::pi_chunked(zero_threads_ok),
        &[
            "0 threads",
            "came back as Ok",
            "expected an Err that names `threads`",
        ],
    );
}

#[test]
fn untouched_stubs_are_not_started() {
    assert!(ch09::split_throws(|_, _| todo!()).is_not_started());
    assert!(ch09::pi_chunked(|_, _, _, _| todo!()).is_not_started());
}

// ch09 split_throws: more wrong answers

/// The extra throws go to the last chunks instead of the first.
fn extra_to_the_last(throws: u64, chunks: u64) -> Vec<u64> {
    let (base, extra) = (throws / chunks, throws % chunks);
    (0..chunks)
        .map(|i| base + u64::from(i >= chunks - extra))
        .collect()
}

/// Knows the named cases' answers, and drops the remainder elsewhere.
fn knows_the_named_cases(throws: u64, chunks: u64) -> Vec<u64> {
    match (throws, chunks) {
        (10, 3) | (1_000_000_007, 256) | (u64::MAX, 7) | (3, 5) => sizes(throws, chunks),
        _ => vec![throws / chunks; chunks as usize],
    }
}

/// Rounds a floating-point share.
fn float_share(throws: u64, chunks: u64) -> Vec<u64> {
    let share = (throws as f64 / chunks as f64).round() as u64;
    vec![share; chunks as usize]
}

/// Full chunks of the rounded-up size, the rest in the last.
fn ceil_then_the_rest(throws: u64, chunks: u64) -> Vec<u64> {
    let size = throws.div_ceil(chunks);
    let mut left = throws;
    (0..chunks)
        .map(|_| {
            let take = size.min(left);
            left -= take;
            take
        })
        .collect()
}

/// Rounds up by adding first: overflows for the largest counts.
#[allow(clippy::manual_div_ceil)] // the learner's own rounding, on purpose
fn overflowing_round_up(throws: u64, chunks: u64) -> Vec<u64> {
    let size = (throws + chunks - 1) / chunks;
    let mut out = vec![size; chunks as usize];
    let over = size * chunks - throws;
    for s in out.iter_mut().rev().take(over as usize) {
        *s -= 1;
    }
    out
}

#[test]
fn extra_throws_in_the_last_chunks_are_caught() {
    assert_wrong(
        || ch09::split_throws(extra_to_the_last),
        &["to the first 3 chunks", "chunk 0 has 0"],
    );
}

#[test]
fn knowing_only_the_named_cases_is_caught() {
    assert_wrong(
        || ch09::split_throws(knows_the_named_cases),
        &["add up to", "lost"], // "1 throw lost" when the remainder is 1
    );
}

#[test]
fn a_rounded_floating_point_share_is_caught() {
    assert_wrong(
        || ch09::split_throws(float_share),
        &["3 throws in 5 chunks", "add up to 5"],
    );
}

#[test]
fn full_chunks_then_the_rest_are_unbalanced() {
    assert_wrong(|| ch09::split_throws(ceil_then_the_rest), &["differ by 2"]);
}

#[test]
fn rounding_up_by_adding_first_overflows() {
    assert_wrong(
        || ch09::split_throws(overflowing_round_up),
        &["it panicked", "overflow"],
    );
}

// ch09 pi_chunked: wrong per-chunk seeds, and right answers written differently

/// Chunks counted on a pool of `threads`, chunk `i` seeded with `seed_of(seed, i)`.
fn seeded(
    throws: u64,
    seed: u64,
    threads: usize,
    hits: Kernel,
    seed_of: fn(u64, u64) -> u64,
) -> Result<f64, String> {
    guard(throws, threads)?;
    let s = sizes(throws, 256);
    let h = pool_sum(threads, || {
        s.par_iter()
            .enumerate()
            .map(|(i, &n)| hits(seed_of(seed, i as u64), n))
            .sum()
    })?;
    Ok(4.0 * h / throws as f64)
}

#[test]
fn chunk_seeds_from_the_index_alone_are_caught() {
    assert_wrong(
        || {
            ch09::pi_chunked(|t, s, k, h| {
                seeded(t, s, k, h, |_, i| {
                    (i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                })
            })
        },
        &["seeds 7 and 8", "the same seeds whatever the run's seed"],
    );
}

#[test]
fn chunk_seeds_of_seed_plus_index_are_caught() {
    assert_wrong(
        || ch09::pi_chunked(|t, s, k, h| seeded(t, s, k, h, |seed, i| seed + i)),
        &[
            "255 of the 256 chunk seeds are the same in both runs",
            "not `seed + i`",
        ],
    );
}

#[test]
fn chunk_seeds_of_seed_xor_index_are_caught() {
    assert_wrong(
        || ch09::pi_chunked(|t, s, k, h| seeded(t, s, k, h, |seed, i| seed ^ i)),
        &["seeds 7 and 8", "Mix the seed and the chunk's index"],
    );
}

#[test]
fn chunk_seeds_of_seed_times_index_are_caught() {
    assert_wrong(
        || ch09::pi_chunked(|t, s, k, h| seeded(t, s, k, h, |seed, i| seed * (i + 1))),
        &["chunk seeds are the same in both runs"],
    );
}

/// Divides in integers: 4 × hits / throws comes back as 3.
fn integer_division(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    guard(throws, threads)?;
    let s = sizes(throws, 256);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())?;
    let h: u64 = pool.install(|| {
        s.par_iter()
            .enumerate()
            .map(|(i, &n)| hits(seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15), n))
            .sum()
    });
    Ok((4 * h / throws) as f64)
}

#[test]
fn an_estimate_by_integer_division_is_caught() {
    assert_wrong(
        || ch09::pi_chunked(integer_division),
        &["so the estimate is", "but 3 came back"],
    );
}

#[test]
fn a_hashed_seed_and_scoped_workers_are_right_too() {
    use std::hash::{DefaultHasher, Hash, Hasher};
    assert_done(ch09::pi_chunked(|t, s, k, h| {
        seeded(t, s, k, h, |seed, i| {
            let mut hasher = DefaultHasher::new();
            (seed, i).hash(&mut hasher);
            hasher.finish()
        })
    }));
    assert_done(ch09::pi_chunked(|throws, seed, threads, hits| {
        guard(throws, threads)?;
        let s = sizes(throws, 256);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let total = std::sync::atomic::AtomicU64::new(0);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(&n) = s.get(i) else { break };
                        let chunk_seed = seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                        total.fetch_add(hits(chunk_seed, n), std::sync::atomic::Ordering::SeqCst);
                    }
                });
            }
        });
        Ok(4.0 * total.into_inner() as f64 / throws as f64)
    }));
}

mod plausible;
mod pools;
