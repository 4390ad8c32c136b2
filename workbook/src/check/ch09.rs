//! Checks for chapter 09, Monte Carlo pi and scaling.

use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use super::dice::Dice;
use super::probe::beyond_cores;
use super::wording::{abridged, plural};
use super::{Expect, Probe, Report, Wrong, expect_parallel_of};
use crate::pi::count_hits;

pub use super::declared::ch09::*;

/// Checks `split_throws(throws: u64, chunks: u64) -> Vec<u64>`.
pub fn split_throws(answer: impl Fn(u64, u64) -> Vec<u64> + Send + 'static) -> Report {
    SPLIT_THROWS.grade(move || {
        let cases: [(&str, u64, u64); 7] = [
            ("10 throws in 1 chunk", 10, 1),
            ("12 throws in 4 chunks", 12, 4),
            ("3 throws in 5 chunks (some chunks get none)", 3, 5),
            ("10 throws in 3 chunks", 10, 3),
            ("0 throws in 4 chunks", 0, 4),
            ("1 000 000 007 throws in 256 chunks", 1_000_000_007, 256),
            ("u64::MAX throws in 7 chunks", u64::MAX, 7),
        ];
        // Splits that change from run to run: an answer that knows only the
        // named cases cannot pass.
        let mut dice = Dice::new();
        let random: Vec<(String, u64, u64)> = (0..3)
            .map(|_| {
                let (throws, chunks) = (dice.between(0, 1_000_000), dice.between(1, 300));
                let case = format!(
                    "{} in {}",
                    plural(throws, "throw", "throws"),
                    plural(chunks, "chunk", "chunks")
                );
                (case, throws, chunks)
            })
            .collect();
        let named = cases.iter().map(|&(c, t, k)| (c.to_string(), t, k));
        for (case, throws, chunks) in named.chain(random) {
            let case = case.as_str();
            let sizes = answer(throws, chunks);
            if sizes.len() as u64 != chunks {
                return Err(Wrong::in_case(
                    case,
                    format!("expected {chunks} chunk sizes, got {}.", sizes.len()),
                ));
            }
            let total: u128 = sizes.iter().map(|&s| s as u128).sum();
            if total != throws as u128 {
                let (diff, how) = if total < throws as u128 {
                    (throws as u128 - total, "lost")
                } else {
                    (total - throws as u128, "too many")
                };
                let remedy = if throws % chunks == 0 {
                    format!("Every chunk gets {throws} / {chunks} = {} throws.", throws / chunks)
                } else {
                    format!(
                        "{chunks} does not divide {throws}: give the remainder, {}, out one \
                         throw per chunk.",
                        throws % chunks
                    )
                };
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "the chunk sizes {} add up to {total}, not {throws}: {} {how}. {remedy}",
                        abridged(&sizes, "chunks"),
                        plural(diff, "throw", "throws")
                    ),
                ));
            }
            let (lo, hi) = (
                sizes.iter().min().copied().unwrap_or(0),
                sizes.iter().max().copied().unwrap_or(0),
            );
            if hi - lo > 1 {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "the chunk sizes {} add up, but differ by {}: the largest chunk would \
                         keep its thread busy after the others finish. Sizes may differ by at \
                         most 1 (spread the remainder, one throw per chunk).",
                        abridged(&sizes, "chunks"),
                        hi - lo
                    ),
                ));
            }
            let (base, extra) = (throws / chunks, throws % chunks);
            if let Some(i) = (0..chunks).find(|&i| sizes[i as usize] != base + u64::from(i < extra)) {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "the chunk sizes {} add up and are balanced, but chunk {i} has {}. \
                         The exercise gives the extra throws to the first {} \
                         ({throws} % {chunks}), so that every split of the same throws is the same.",
                        abridged(&sizes, "chunks"),
                        plural(sizes[i as usize], "throw", "throws"),
                        plural(extra, "chunk", "chunks")
                    ),
                ));
            }
        }
        Ok(
            "every split has the asked number of chunks, adds up to the throws, \
            its sizes differ by at most one, and the first chunks take the extra throws \
            (also for splits that change from run to run)."
                .into(),
        )
    })
}

type PiAnswer =
    dyn Fn(u64, u64, usize, &(dyn Fn(u64, u64) -> u64 + Sync)) -> Result<f64, String> + Send;

/// One call of `count_hits`: (seed, throws, hits).
type Chunk = (u64, u64, u64);

/// What one run handed to `count_hits`, chunk by chunk.
fn recorded_run(
    answer: &PiAnswer,
    case: &str,
    throws: u64,
    seed: u64,
    threads: usize,
) -> Result<(f64, Vec<Chunk>), Wrong> {
    let calls = Mutex::new(Vec::new());
    let kernel = |seed: u64, n: u64| {
        let hits = count_hits(seed, n);
        calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((seed, n, hits));
        hits
    };
    let estimate = answer(throws, seed, threads, &kernel).map_err(|e| {
        Wrong::in_case(
            case,
            format!(
                "{throws} throws on {} came back as the error “{e}”.",
                plural(threads, "thread", "threads")
            ),
        )
    })?;
    Ok((
        estimate,
        calls.into_inner().unwrap_or_else(|e| e.into_inner()),
    ))
}

fn judge_chunks(case: &str, throws: u64, estimate: f64, calls: &[Chunk]) -> Result<(), Wrong> {
    let total: u128 = calls.iter().map(|c| c.1 as u128).sum();
    if total != throws as u128 {
        return Err(Wrong::in_case(
            case,
            format!(
                "the chunks handed to count_hits add up to {total} throws, not {throws}. \
                 Split with split_throws(throws, CHUNKS) and give each chunk its own size."
            ),
        ));
    }
    let used: Vec<&Chunk> = calls.iter().filter(|c| c.1 > 0).collect();
    if used.len() < 2 {
        return Err(Wrong::in_case(
            case,
            format!(
                "all {throws} throws went to count_hits in {}: nothing was left to share \
                 between threads. Split them into CHUNKS chunks.",
                plural(used.len(), "call", "calls")
            ),
        ));
    }
    let mut seeds: Vec<u64> = used.iter().map(|c| c.0).collect();
    seeds.sort();
    seeds.dedup();
    if seeds.len() == 1 {
        return Err(Wrong::in_case(
            case,
            format!(
                "all {} chunks got the same seed {}: they throw identical darts, \
                 so they add no information, and the estimate is no better than one chunk's. \
                 Give each chunk a seed of its own, derived from the seed and the chunk's index.",
                used.len(),
                seeds[0]
            ),
        ));
    }
    if seeds.len() < used.len() {
        return Err(Wrong::in_case(
            case,
            format!(
                "{} chunks got only {} different seeds: chunks that share a seed throw \
                 identical darts. Give each chunk a seed of its own.",
                used.len(),
                seeds.len()
            ),
        ));
    }
    let hits: u64 = calls.iter().map(|c| c.2).sum();
    let want = 4.0 * hits as f64 / throws as f64;
    if (estimate - want).abs() > 1e-12 {
        return Err(Wrong::in_case(
            case,
            format!(
                "count_hits reported {hits} hits out of {throws} throws, so the estimate is \
                 4 × {hits} / {throws} = {want}, but {estimate} came back."
            ),
        ));
    }
    Ok(())
}

/// Checks `pi_chunked(throws, seed, threads, count_hits) -> Result<f64, String>`.
pub fn pi_chunked(
    answer: impl Fn(u64, u64, usize, &(dyn Fn(u64, u64) -> u64 + Sync)) -> Result<f64, String>
    + Send
    + 'static,
) -> Report {
    PI_CHUNKED.grade(move || {
        let throws = 100_000;
        let mut estimates = Vec::new();
        for threads in [1, 2, 3] {
            let case = format!("{throws} throws on {}", plural(threads, "thread", "threads"));
            let (estimate, calls) = recorded_run(&answer, &case, throws, 7, threads)?;
            judge_chunks(&case, throws, estimate, &calls)?;
            estimates.push((threads, estimate));
        }
        let (t0, e0) = estimates[0];
        if let Some(&(t, e)) = estimates.iter().find(|(_, e)| *e != e0) {
            // The same darts summed in another grouping differ in the last
            // digits only; other darts differ far more.
            let why = if (e - e0).abs() < 1e-9 {
                "The same darts, added in another grouping: the hits were added as \
                 floating-point numbers, whose sum depends on how the pool groups them. Add \
                 the integer hits, and divide once at the end."
            } else {
                "Split into a fixed number of chunks (CHUNKS), each seeded from its index, \
                 never one chunk per thread: then the same darts are thrown whatever the \
                 thread count."
            };
            return Err(Wrong::in_case(
                "the same throws and seed on 1, 2 and 3 threads",
                format!(
                    "the estimate changed with the thread count: {e0} on {t0} thread, {e} on \
                     {t} threads. {why}"
                ),
            ));
        }
        let case = "1 000 003 throws, a prime, on 2 threads";
        let (estimate, calls) = recorded_run(&answer, case, 1_000_003, 7, 2)?;
        judge_chunks(case, 1_000_003, estimate, &calls)?;

        // Parallelism, counted, on more threads than cores (and more than 4):
        // a pool of a fixed size or sized by the cores never has them all in
        // flight. Each chunk waits for one chunk more than `threads` in flight,
        // which only a pool larger than asked reaches; the wait ends once no
        // new chunk has joined for a second, so the verdict does not depend
        // on which threads happened to take a chunk.
        let threads = beyond_cores(5);
        let case = format!("chunks on {threads} threads");
        let probe = Probe::with_patience(threads + 1, Duration::from_secs(1));
        let kernel = |seed: u64, n: u64| probe.task(|| count_hits(seed, n));
        answer(100_000, 7, threads, &kernel)
            .map_err(|e| Wrong::in_case(&case, format!("came back as the error “{e}”.")))?;
        expect_parallel_of(
            "chunk",
            &case,
            &probe,
            thread::current().id(),
            Expect {
                at_once: threads,
                threads: Some(threads),
            },
            "Run the chunks on a pool of exactly `threads` threads \
             (rayon::ThreadPoolBuilder::new().num_threads(threads)), e.g. with into_par_iter.",
        )?;

        // The argument each case gets wrong, and the word its error must hold.
        for (case, throws, threads, arg, word) in [
            ("0 threads", 1000, 0, "threads", "thread"),
            ("0 throws", 0, 2, "throws", "throws"),
        ] {
            match answer(throws, 7, threads, &count_hits) {
                Err(e) if e.contains(word) => {}
                Err(e) => {
                    return Err(Wrong::in_case(
                        case,
                        format!("the error “{e}” should name the argument that is wrong, `{arg}`."),
                    ));
                }
                Ok(v) => {
                    return Err(Wrong::in_case(
                        case,
                        format!("came back as Ok({v}); expected an Err that names `{arg}`."),
                    ));
                }
            }
        }
        // Runs with neighbouring seeds must throw different darts in every
        // chunk: chunk seeds that ignore the seed, or add the index to it,
        // repeat between runs.
        let case = "the same throws with seeds 7 and 8";
        let chunk_seeds = |seed: u64| -> Result<Vec<u64>, Wrong> {
            let (_, calls) = recorded_run(&answer, case, throws, seed, 2)?;
            let mut seeds: Vec<u64> = calls.iter().filter(|c| c.1 > 0).map(|c| c.0).collect();
            seeds.sort();
            Ok(seeds)
        };
        let (seven, eight) = (chunk_seeds(7)?, chunk_seeds(8)?);
        let shared: Vec<u64> = seven
            .iter()
            .copied()
            .filter(|s| eight.binary_search(s).is_ok())
            .collect();
        if !shared.is_empty() {
            let problem = if shared.len() == seven.len() {
                "the chunks got the same seeds whatever the run's seed: a different seed must \
                 throw different darts"
                    .to_string()
            } else {
                format!(
                    "{} of the {} chunk seeds are the same in both runs (for instance {}): those \
                     chunks throw the same darts, so the two runs are far from independent",
                    shared.len(),
                    seven.len(),
                    shared[0]
                )
            };
            return Err(Wrong::in_case(
                case,
                format!(
                    "{problem}. Mix the seed and the chunk's index so that neighbouring seeds and \
                     neighbouring indices land far apart, e.g. \
                     `seed ^ (i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)`, not `seed + i` or `i` alone."
                ),
            ));
        }
        Ok(format!(
            "the chunks add up, each has its own seed (and seeds 7 and 8 share none), the estimate ({e0}) is the same on 1, 2 \
             and 3 threads, {threads} chunks ran at once on {threads} threads, and 0 threads or 0 throws are errors."
        ))
    })
}
