//! A third round of wrong answers to chapter 09's `split_throws` and
//! `pi_chunked`, as a learner could half-understand the section, and right
//! answers written differently again.

use std::sync::atomic::{AtomicU64, Ordering};

use super::*;

// ch09 split_throws --------------------------------------------------------

/// One extra throw too many: `<=` where `<` belongs.
fn extra_off_by_one(throws: u64, chunks: u64) -> Vec<u64> {
    let (base, extra) = (throws / chunks, throws % chunks);
    (0..chunks).map(|i| base + u64::from(i <= extra)).collect()
}

/// The share worked out in floating point, the rest given out after:
/// exact for small counts, not for the largest.
fn float_share_then_the_rest(throws: u64, chunks: u64) -> Vec<u64> {
    let base = (throws as f64 / chunks as f64).floor() as u64;
    let extra = throws - base * chunks;
    (0..chunks).map(|i| base + u64::from(i < extra)).collect()
}

/// Chunk i runs from i × throws / chunks to the next boundary: balanced, but
/// the extra throws land wherever the rounding puts them.
fn boundaries(throws: u64, chunks: u64) -> Vec<u64> {
    let at = |i: u64| (i as u128 * throws as u128 / chunks as u128) as u64;
    (0..chunks).map(|i| at(i + 1) - at(i)).collect()
}

/// Leaves out the chunks that would get no throws.
fn no_empty_chunks(throws: u64, chunks: u64) -> Vec<u64> {
    let used = chunks.min(throws).max(1);
    sizes(throws, used)
}

/// The whole remainder to the first chunk: "the first chunks take the extra".
fn all_extra_to_the_first(throws: u64, chunks: u64) -> Vec<u64> {
    let mut out = vec![throws / chunks; chunks as usize];
    out[0] += throws % chunks;
    out
}

#[test]
fn one_extra_throw_too_many_is_caught() {
    assert_wrong(
        || ch09::split_throws(extra_off_by_one),
        &[
            "10 throws in 1 chunk",
            "add up to 11, not 10: 1 throw too many. Every chunk gets 10 / 1 = 10 throws.",
        ],
    );
    let text = ch09::split_throws(extra_off_by_one).to_string();
    assert!(!text.contains("does not divide"), "1 divides 10:\n{text}");
}

#[test]
fn a_floating_point_share_is_caught_for_the_largest_count() {
    assert_wrong(
        || ch09::split_throws(float_share_then_the_rest),
        &["u64::MAX throws in 7 chunks", "1016 throws lost"],
    );
}

#[test]
fn chunk_boundaries_that_put_the_extra_anywhere_are_caught() {
    assert_wrong(
        || ch09::split_throws(boundaries),
        &["3 throws in 5 chunks", "to the first 3 chunks"],
    );
}

#[test]
fn leaving_out_empty_chunks_is_caught() {
    assert_wrong(
        || ch09::split_throws(no_empty_chunks),
        &["3 throws in 5 chunks", "expected 5 chunk sizes, got 3"],
    );
}

#[test]
fn the_whole_remainder_in_the_first_chunk_is_caught() {
    assert_wrong(
        || ch09::split_throws(all_extra_to_the_first),
        &["[3, 0, 0, 0, 0] add up, but differ by 3"],
    );
}

/// Right: each chunk takes its fair share of what is left, rounded up.
fn share_of_what_is_left(throws: u64, chunks: u64) -> Vec<u64> {
    let mut left = throws;
    (0..chunks)
        .map(|i| {
            let take = left.div_ceil(chunks - i);
            left -= take;
            take
        })
        .collect()
}

#[test]
fn a_split_written_differently_passes() {
    assert_done(ch09::split_throws(share_of_what_is_left));
}

// ch09 pi_chunked ----------------------------------------------------------

/// The seed of chunk `i`, mixed as the reference mixes it.
fn chunk_seed(seed: u64, i: usize) -> u64 {
    workbook::pi::chunk_seed(seed, i as u64)
}

/// A scoped thread for every chunk: `threads` is checked, then ignored.
fn a_thread_per_chunk(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    guard(throws, threads)?;
    let total = AtomicU64::new(0);
    std::thread::scope(|s| {
        for (i, n) in sizes(throws, 256).into_iter().enumerate() {
            let total = &total;
            s.spawn(move || total.fetch_add(hits(chunk_seed(seed, i), n), Ordering::Relaxed));
        }
    });
    Ok(4.0 * total.into_inner() as f64 / throws as f64)
}

/// Forgets to refuse 0 throws: 4 × 0 / 0 comes back as Ok(NaN).
fn zero_throws_ok(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    if threads == 0 {
        return Err("threads must be at least 1".into());
    }
    let s = sizes(throws, 256);
    let h = pool_sum(threads, || {
        s.par_iter()
            .enumerate()
            .map(|(i, &n)| hits(chunk_seed(seed, i), n))
            .sum()
    })?;
    Ok(4.0 * h / throws as f64)
}

/// Refuses bad arguments, but with one message that names neither.
fn vague_refusal(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    if threads == 0 || throws == 0 {
        return Err("bad arguments".into());
    }
    zero_throws_ok(throws, seed, threads, hits)
}

#[test]
fn a_thread_for_every_chunk_is_caught() {
    assert_wrong(
        || ch09::pi_chunked(a_thread_per_chunk),
        &["the chunks ran on 256 threads", "new threads"],
    );
}

#[test]
fn zero_throws_must_be_an_error() {
    assert_wrong(
        || ch09::pi_chunked(zero_throws_ok),
        &[
            "0 throws",
            "came back as Ok(NaN)",
            "expected an Err that names `throws`",
        ],
    );
}

#[test]
fn an_error_that_names_nothing_is_caught() {
    assert_wrong(
        || ch09::pi_chunked(vague_refusal),
        &[
            "0 threads",
            "the error “bad arguments” should name the argument that is wrong, `threads`",
        ],
    );
}

/// A pool of exactly `threads` threads.
fn pool_of(threads: usize) -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())
}

/// Right chunks and seeds, but each thread adds its chunks' shares of the
/// estimate as floating-point numbers: the sum's grouping follows the threads.
fn float_shares(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    guard(throws, threads)?;
    let pool = pool_of(threads)?;
    let s = sizes(throws, 256);
    let share = |i: usize| 4.0 * hits(chunk_seed(seed, i), s[i]) as f64 / throws as f64;
    Ok(pool.install(|| {
        (0..threads)
            .into_par_iter()
            .map(|t| (t..256).step_by(threads).map(share).sum::<f64>())
            .sum()
    }))
}

#[test]
fn shares_added_as_floats_are_told_to_add_the_integer_hits() {
    assert_wrong(
        || ch09::pi_chunked(float_shares),
        &[
            "the estimate changed with the thread count",
            "Add the integer hits, and divide once at the end",
        ],
    );
}

/// Right: a task spawned per chunk into a scope of the pool, adding into one total.
fn spawned_into_a_pool_scope(
    throws: u64,
    seed: u64,
    threads: usize,
    hits: Kernel,
) -> Result<f64, String> {
    guard(throws, threads)?;
    let pool = pool_of(threads)?;
    let total = AtomicU64::new(0);
    pool.scope(|s| {
        for (i, n) in sizes(throws, 256).into_iter().enumerate() {
            let total = &total;
            s.spawn(move |_| {
                total.fetch_add(hits(chunk_seed(seed, i), n), Ordering::Relaxed);
            });
        }
    });
    Ok(4.0 * total.into_inner() as f64 / throws as f64)
}

#[test]
fn tasks_spawned_into_a_pool_scope_are_right_too() {
    assert_done(ch09::pi_chunked(spawned_into_a_pool_scope));
}
