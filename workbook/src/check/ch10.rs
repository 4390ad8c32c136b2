//! Checks for chapter 10, processes and beyond one machine.

use std::thread;
use std::time::Duration;

use super::dice::Dice;
use super::probe::beyond_cores;
use super::wording::{abridged, plural};
use crate::check::{Expect, Probe, Report, Wrong, compare_lists, expect_parallel_of};

pub use super::declared::ch10::*;

const HINT: &str = "Give every rank a thread of its own, all started before any is joined \
                    (thread::scope), as mpirun gives every rank a process.";

fn hello(rank: usize, size: usize) -> String {
    format!("hello from rank {rank} of {size}")
}

/// Checks `on_every_rank(size, f) -> Vec<String>`.
pub fn on_every_rank(
    answer: impl Fn(usize, &(dyn Fn(usize, usize) -> String + Sync)) -> Vec<String> + Send + 'static,
) -> Report {
    ON_EVERY_RANK.grade(move || {
        check_lines("one rank", 1, &answer(1, &hello))?;

        // More ranks than cores, whatever the machine (a pool sized by the
        // cores cannot give each its own thread), 10 or more (so that "rank
        // 10" sorted as text comes before "rank 2"), finishing in an order
        // that changes from run to run: neither rank order nor its reverse.
        let mut dice = Dice::new();
        for size in [5, 12, beyond_cores(13)] {
            let finish = dice.shuffled(size);
            let case = format!("{size} ranks, finishing in a shuffled order");
            let probe = Probe::new(size);
            let caller = thread::current().id();
            let f = |rank: usize, size: usize| {
                probe.task(|| {
                    let place = finish.get(rank).copied().unwrap_or(0) as u64;
                    thread::sleep(Duration::from_millis(5 * place));
                    hello(rank, size)
                })
            };
            check_lines(&case, size, &answer(size, &f))?;
            let expect = Expect {
                at_once: size,
                threads: Some(size),
            };
            expect_parallel_of("rank", &case, &probe, caller, expect, HINT)?;
        }
        Ok(
            "every rank, 0 to size − 1, ran at once on a thread of its own, knew the job's \
             size, and its line came back in rank order."
                .into(),
        )
    })
}

/// Compares the lines of a `size`-rank run with what every rank should say.
fn check_lines(case: &str, size: usize, got: &[String]) -> Result<(), Wrong> {
    let want: Vec<String> = (0..size).map(|r| hello(r, size)).collect();
    if got == want {
        return Ok(());
    }
    let problem = if let Some(line) = got.iter().find(|l| !l.ends_with(&format!(" of {size}"))) {
        format!(
            "a line reads “{line}”: call f(rank, size) with the job's size, {size}, as the \
             second argument, on every rank."
        )
    } else if got
        .iter()
        .any(|l| l.starts_with(&format!("hello from rank {size} ")))
    {
        format!(
            "a line reads “{}”: ranks are numbered from 0 to size − 1 = {}, as in MPI.",
            hello(size, size),
            size - 1
        )
    } else if got.len() == 1 && size > 1 {
        format!("one line came back for {size} ranks: run f on every rank, not once.")
    } else if got.len() < size {
        let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).collect();
        format!(
            "{} came back for {}; missing: {}. Every rank from 0 to size − 1 runs f.",
            plural(got.len(), "line", "lines"),
            plural(size, "rank", "ranks"),
            abridged(&missing, "lines")
        )
    } else {
        let (mut a, mut b) = (got.to_vec(), want.clone());
        a.sort();
        b.sort();
        if a == b {
            let i = (0..size).find(|&i| got[i] != want[i]).unwrap_or(0);
            format!(
                "every line is there, in the wrong order: {}; line {} reads “{}”, where \
                 “{}” belongs. Return them in rank order (rank 0 first), whatever order the \
                 ranks finish in.",
                abridged(got, "lines"),
                i + 1,
                got[i],
                want[i]
            )
        } else {
            return compare_lists(case, &want, got);
        }
    };
    Err(Wrong::in_case(case, problem))
}
