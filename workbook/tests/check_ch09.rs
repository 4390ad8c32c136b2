//! Wrong answers to chapter 09's exercises: each must be rejected, and the
//! message must say what went wrong.

use rayon::prelude::*;
mod common;

use common::assert_wrong;
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
        ch09::split_throws(drops_remainder),
        &["add up to 9, not 10: 1 throws lost"],
    );
}

#[test]
fn a_remainder_in_one_chunk_is_unbalanced() {
    assert_wrong(
        ch09::split_throws(remainder_to_last),
        &["[0, 0, 0, 0, 3] add up, but differ by 3"],
    );
}

#[test]
fn rounding_up_throws_too_many() {
    assert_wrong(ch09::split_throws(rounds_up), &["thrown twice"]);
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
        ch09::pi_chunked(one_seed_for_all),
        &["got the same seed", "identical", "seed of its own"],
    );
}

#[test]
fn chunks_that_do_not_add_up_are_rejected() {
    assert_wrong(
        ch09::pi_chunked(chunks_short),
        &["add up to 99840 throws, not 100000"],
    );
}

#[test]
fn an_estimate_that_depends_on_the_thread_count_is_rejected() {
    assert_wrong(
        ch09::pi_chunked(chunk_per_thread),
        &["the estimate changed with the thread count"],
    );
}

#[test]
fn a_sequential_loop_is_rejected() {
    assert_wrong(ch09::pi_chunked(sequential), &["no thread was started"]);
}

#[test]
fn zero_threads_must_be_an_error() {
    assert_wrong(
        ch09::pi_chunked(zero_threads_ok),
        &["0 threads", "came back as Ok"],
    );
}

#[test]
fn untouched_stubs_are_not_started() {
    assert!(ch09::split_throws(|_, _| todo!()).is_not_started());
    assert!(ch09::pi_chunked(|_, _, _, _| todo!()).is_not_started());
}
