//! Chapter 05's comparison of three ways to fill one array from many threads:
//! how long making the array, filling it and filling it again take, and which
//! of those steps met the page faults. It lives here, not in a cell, so that
//! the cell stays short and shows none of the exercises' answers.

use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use rayon::prelude::*;

use crate::{cpus, measure, page_faults};

/// The value every way stores in every slot.
const FILL: u64 = 7;

/// One step's wall time and the page faults it met (`None` where not counted).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub ms: f64,
    pub faults: Option<u64>,
}

/// One way's three steps, and its array, kept alive until this is dropped so
/// that the next way cannot reuse its memory (pages already in place would
/// hide the page faults).
pub struct Filled {
    pub way: &'static str,
    /// Making the array, the first fill, the second fill.
    pub steps: [Step; 3],
    _array: Box<dyn Any>,
}

/// Runs `work`, timing it and counting the page faults it meets.
fn step<T>(work: impl FnOnce() -> T) -> (T, Step) {
    let before = page_faults();
    let (value, timing) = measure(work);
    let faults = before.zip(page_faults()).map(|(a, b)| b - a);
    let ms = timing.wall.as_secs_f64() * 1e3;
    (value, Step { ms, faults })
}

/// Makes an array, fills it twice, checks every slot.
fn three_steps<T: 'static>(
    way: &'static str,
    make: impl FnOnce() -> T,
    fill: impl Fn(&mut T),
    filled: impl Fn(&T) -> bool,
) -> Filled {
    let (mut array, made) = step(make);
    let ((), first) = step(|| fill(&mut array));
    let ((), second) = step(|| fill(&mut array));
    assert!(filled(&array), "{way}: every slot must hold {FILL}");
    Filled {
        way,
        steps: [made, first, second],
        _array: Box::new(array),
    }
}

/// One piece per available core, at least one slot each.
fn piece_size(n: usize) -> usize {
    n.div_ceil(cpus().available).max(1)
}

/// `n` atomics, one scoped thread per piece storing into them.
pub fn atomics(n: usize) -> Filled {
    let size = piece_size(n);
    three_steps(
        "atomics",
        || (0..n).map(|_| AtomicU64::new(0)).collect::<Vec<_>>(),
        |slots| {
            thread::scope(|s| {
                for piece in slots.chunks(size) {
                    s.spawn(move || {
                        piece
                            .iter()
                            .for_each(|slot| slot.store(FILL, Ordering::Relaxed))
                    });
                }
            })
        },
        |slots| {
            slots
                .iter()
                .all(|slot| slot.load(Ordering::Relaxed) == FILL)
        },
    )
}

/// `n` plain slots, one scoped thread per `chunks_mut` piece.
pub fn chunks_mut(n: usize) -> Filled {
    let size = piece_size(n);
    three_steps(
        "chunks_mut",
        || vec![0u64; n],
        |out| {
            thread::scope(|s| {
                for piece in out.chunks_mut(size) {
                    s.spawn(move || piece.fill(FILL));
                }
            })
        },
        |out| out.iter().all(|&x| x == FILL),
    )
}

/// `n` plain slots, filled by rayon's `par_iter_mut`.
pub fn par_iter_mut(n: usize) -> Filled {
    three_steps(
        "par_iter_mut",
        || vec![0u64; n],
        |out| out.par_iter_mut().for_each(|x| *x = FILL),
        |out| out.iter().all(|&x| x == FILL),
    )
}

/// Which step met the most page faults, from the counts.
fn most_faults(steps: &[Step; 3]) -> &'static str {
    let names = ["making the array", "the first fill", "the second fill"];
    match steps.iter().map(|s| s.faults).collect::<Option<Vec<u64>>>() {
        None => "not counted on this platform",
        Some(f) if f.iter().all(|&x| x == 0) => "none of the steps",
        // On a tie, the earliest step.
        Some(f) => names[(0..3).rev().max_by_key(|&i| f[i]).unwrap_or(0)],
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let faults = self.faults.map_or("?".to_string(), |n| n.to_string());
        write!(f, "{:6.1} ms, {faults:>6} faults", self.ms)
    }
}

impl fmt::Display for Filled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [made, first, second] = &self.steps;
        write!(
            f,
            "{:<12} make {made} | fill {first} | again {second} | most faults: {}",
            self.way,
            most_faults(&self.steps)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(faults: [Option<u64>; 3]) -> [Step; 3] {
        faults.map(|faults| Step { ms: 1.0, faults })
    }

    #[test]
    fn the_step_with_most_faults_is_named() {
        assert_eq!(
            most_faults(&steps([Some(5), Some(900), Some(1)])),
            "the first fill"
        );
        assert_eq!(
            most_faults(&steps([Some(900), Some(900), Some(1)])),
            "making the array"
        );
        assert_eq!(
            most_faults(&steps([Some(0), Some(0), Some(0)])),
            "none of the steps"
        );
        assert_eq!(
            most_faults(&steps([Some(1), None, Some(1)])),
            "not counted on this platform"
        );
    }

    #[test]
    fn every_way_fills_every_slot_and_reports_three_steps() {
        for filled in [
            atomics(1_001),
            chunks_mut(1_001),
            par_iter_mut(1_001),
            chunks_mut(0),
        ] {
            let line = filled.to_string();
            assert!(line.starts_with(filled.way), "{line}");
            assert_eq!(line.matches(" ms, ").count(), 3, "{line}");
        }
    }
}
