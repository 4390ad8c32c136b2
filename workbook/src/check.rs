//! Self-checks: one per exercise, run under the exercise in the notebook and
//! by `cargo test`. A check feeds the learner's function cases (edge cases
//! named), and reports:
//!
//! - `✓ done`, with what was verified;
//! - `✗ wrong`, with what was expected, what came back, and the notebook
//!   section to revisit;
//! - `· not started`, while the body (or that of a function it calls) is
//!   still `todo!()`.
//!
//! A check never crashes the notebook: panics are caught and reported with
//! the learner's own message, an answer that hangs is reported after
//! [`TIME_LIMIT`] instead of hanging the kernel, and threads an answer leaves
//! running are reported too. Parallelism is verified without timing
//! thresholds, with a [`Probe`]: which threads ran the tasks, and how many
//! tasks were in flight at once.
//!
//! The parts: `report` (what a check found, and how it reads), `grade` (the
//! harness that runs a check), `probe` (parallelism, counted), `isolated`
//! (each check in a process of its own, for the crates' grades), `protocol`
//! (what the checks tell programs: `cargo xtask progress` and `watch`), and
//! one module per chapter.

mod dice;
mod grade;
mod isolated;
mod one;
mod probe;
pub mod protocol;
mod report;

pub mod ch01;
pub mod ch02;
pub mod ch03;
pub mod ch04;
pub mod ch05;
pub mod ch06;
pub mod ch07;
pub mod ch08;
pub mod ch09;
pub mod ch10;
pub mod ch11;

pub use grade::TIME_LIMIT;
pub use isolated::{exercises, isolated};
pub use one::graded_only;
pub use probe::{Expect, Probe, expect_parallel};
pub use report::{Exercise, Report, Status, Wrong, compare_lists, summary};

/// Every exercise with a check, in chapter order. A `todo!()` met in one of
/// these functions names it in the report of another that calls it.
/// (`solutions/tests/sections.rs` keeps this list complete.)
pub static EXERCISES: &[&Exercise] = &[
    &ch01::RUN_IN_THREADS,
    &ch01::MAP_IN_THREADS,
    &ch02::MAP_ON_POOL,
    &ch02::MAP_IN_BATCHES,
    &ch02::APPLY_PAIRS,
    &ch03::TOTAL,
    &ch03::RUN_BATCHES,
    &ch03::IN_COMPLETION_ORDER,
    &ch04::COUNT_SHARED,
    &ch04::TRANSFER,
    &ch05::FILL_SHARED,
    &ch05::FILL_CHUNKS,
    &ch06::REPORT_EVERY,
    &ch06::ALL_OR_FIRST_ERROR,
    &ch07::FIB_CHECKED,
    &ch07::FIB_PAR,
    &ch08::MERGE_COUNTS,
    &ch08::COUNT_FILES,
    &ch08::COUNT_WORDS,
    &ch09::SPLIT_THROWS,
    &ch09::PI_CHUNKED,
    &ch10::ON_EVERY_RANK,
    #[cfg(feature = "loom")]
    &ch11::RECORD_MAX,
    #[cfg(feature = "loom")]
    &ch11::WITH_LOCK,
];
