//! Chapter 09's `pi_chunked` on pools of the wrong size: fixed, sized by the
//! cores, or one thread larger than asked; each caught on every run.

use super::*;

/// Right chunks and seeds, counted on a pool of `pool` threads.
fn on_a_pool_of(pool: usize, throws: u64, seed: u64, hits: Kernel) -> Result<f64, String> {
    let s = sizes(throws, 256);
    let h = pool_sum(pool, || {
        s.par_iter()
            .enumerate()
            .map(|(i, &n)| hits(workbook::pi::chunk_seed(seed, i as u64), n))
            .sum()
    })?;
    Ok(4.0 * h / throws as f64)
}

/// Ignores `threads` and always counts on a pool of 4.
fn pool_of_four(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    guard(throws, threads)?;
    on_a_pool_of(4, throws, seed, hits)
}

/// Ignores `threads` and counts on rayon's global pool, one thread per core.
fn global_pool(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    guard(throws, threads)?;
    let h: u64 = sizes(throws, 256)
        .par_iter()
        .enumerate()
        .map(|(i, &n)| hits(workbook::pi::chunk_seed(seed, i as u64), n))
        .sum();
    Ok(4.0 * h as f64 / throws as f64)
}

/// One thread more than asked, counting the caller out.
fn one_thread_extra(throws: u64, seed: u64, threads: usize, hits: Kernel) -> Result<f64, String> {
    guard(throws, threads)?;
    on_a_pool_of(threads + 1, throws, seed, hits)
}

#[test]
fn a_pool_of_four_is_caught_every_time_on_any_machine() {
    assert_wrong(
        || ch09::pi_chunked(pool_of_four),
        &[
            "the chunks ran on 4 threads, at most 4 at the same time",
            "new threads, all started",
        ],
    );
}

#[test]
fn the_global_pool_is_caught_on_any_machine() {
    assert_wrong(
        || ch09::pi_chunked(global_pool),
        &[
            "chunks ran on",
            "at the same time; expected",
            "new threads, all started",
        ],
    );
}

#[test]
fn a_pool_one_thread_larger_than_asked_is_caught_every_time_on_any_machine() {
    assert_wrong(|| ch09::pi_chunked(one_thread_extra), &["new threads"]);
}
