//! Inputs that change from one run of a check to the next, so that an
//! answer cannot pass by hard-coding what the check asks. Every message
//! that judges such inputs shows them, so a failure can still be read.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// A generator seeded afresh for every check run.
pub(crate) struct Dice(SmallRng);

impl Dice {
    /// A generator with a seed of its own (std's per-process hashing keys).
    pub(crate) fn new() -> Dice {
        Dice(SmallRng::seed_from_u64(RandomState::new().hash_one(0u8)))
    }

    /// A number in `lo..hi`.
    pub(crate) fn between(&mut self, lo: u64, hi: u64) -> u64 {
        self.0.random_range(lo..hi)
    }

    /// `n` distinct numbers in descending order, each below `10_000 * n`:
    /// results that sorting would put out of order.
    pub(crate) fn descending(&mut self, n: usize) -> Vec<u64> {
        (0..n as u64)
            .rev()
            .map(|k| 10_000 * k + self.between(1, 10_000))
            .collect()
    }

    /// `n` (at least 3) distinct numbers in neither ascending nor descending
    /// order: results that sorting, either way round, would put out of order.
    pub(crate) fn unsorted(&mut self, n: usize) -> Vec<u64> {
        assert!(n >= 3, "two numbers are always in one order or the other");
        let mut v = self.descending(n);
        v.swap(0, 1); // up, then down: v[1] < v[0] > v[2]
        v
    }

    /// The numbers `0..n` (`n` at least 3) shuffled into neither ascending
    /// nor descending order: an order of finishing that neither keeping nor
    /// reversing the finishing order turns into `0..n`.
    pub(crate) fn shuffled(&mut self, n: usize) -> Vec<usize> {
        assert!(n >= 3, "two numbers are always in one order or the other");
        let mut v: Vec<usize> = (0..n).collect();
        loop {
            v.shuffle(&mut self.0);
            let up = v.windows(2).all(|w| w[0] < w[1]);
            let down = v.windows(2).all(|w| w[0] > w[1]);
            if !up && !down {
                return v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descending_numbers_are_distinct_and_descending() {
        let v = Dice::new().descending(6);
        assert!(v.windows(2).all(|w| w[0] > w[1]), "{v:?}");
    }

    #[test]
    fn shuffled_numbers_are_all_there_in_neither_order() {
        for n in [3, 5, 12] {
            let v = Dice::new().shuffled(n);
            let mut sorted = v.clone();
            sorted.sort();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>());
            assert!(v != sorted && v.iter().rev().ne(sorted.iter()), "{v:?}");
        }
    }

    #[test]
    fn unsorted_numbers_are_distinct_and_in_neither_order() {
        for n in [3, 5, 12] {
            let v = Dice::new().unsorted(n);
            let (mut up, mut down) = (v.clone(), v.clone());
            up.sort();
            down.sort_by(|a, b| b.cmp(a));
            up.dedup();
            assert_eq!(up.len(), n, "{v:?}");
            assert!(v != up && v != down, "{v:?}");
        }
    }
}
