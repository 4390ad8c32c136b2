//! Chapter 09's answer gives every chunk the seed `workbook::pi::chunk_seed`
//! names, the one `mpi-pi` and the `pi` program use: all three throw the same
//! darts, so they print the same estimate for the same throws and seed.

use std::collections::BTreeMap;
use std::sync::Mutex;

use solutions::ch09_pi::{CHUNKS, pi_chunked, split_throws};
use workbook::pi::{chunk_seed, count_hits};

#[test]
fn every_chunk_gets_the_named_seed_and_its_size() {
    let seen = Mutex::new(BTreeMap::new());
    let record = |seed: u64, size: u64| {
        seen.lock().unwrap().insert(seed, size);
        size // a made-up hit count: every dart hits
    };
    let estimate = pi_chunked(1_000_003, 7, 3, &record).unwrap();
    assert_eq!(estimate, 4.0);
    let sizes = split_throws(1_000_003, CHUNKS);
    let expected: BTreeMap<u64, u64> = (0..CHUNKS)
        .map(|c| (chunk_seed(7, c), sizes[c as usize]))
        .collect();
    assert_eq!(*seen.lock().unwrap(), expected);
}

#[test]
fn the_estimate_is_the_sum_over_chunk_seeds() {
    // What mpi-pi computes, rank by rank, added up in one place.
    let (throws, seed) = (200_000, 2024);
    let sizes = split_throws(throws, CHUNKS);
    let hits: u64 = (0..CHUNKS)
        .map(|c| count_hits(chunk_seed(seed, c), sizes[c as usize]))
        .sum();
    let by_hand = 4.0 * hits as f64 / throws as f64;
    for threads in [1, 2, 5] {
        assert_eq!(
            pi_chunked(throws, seed, threads, &count_hits).unwrap(),
            by_hand
        );
    }
}
