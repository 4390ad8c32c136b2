//! Checks for chapter 08, the word count: numbers in files, then real words.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread;

use super::dice::Dice;
use super::wording::plural;
use crate::check::{Probe, Report, Wrong};

mod words;

pub use super::declared::ch08::*;
pub use words::count_words;

/// A named merge: the two tables and the expected result.
type MergeCase = (&'static str, Vec<u64>, Vec<u64>, Vec<u64>);

/// Checks `merge_counts(a: Vec<u64>, b: Vec<u64>) -> Vec<u64>`.
pub fn merge_counts(answer: impl Fn(Vec<u64>, Vec<u64>) -> Vec<u64> + Send + 'static) -> Report {
    MERGE_COUNTS.grade(move || {
        let cases: [MergeCase; 6] = [
            (
                "two tables of three values",
                vec![1, 2, 3],
                vec![10, 20, 30],
                vec![11, 22, 33],
            ),
            ("two empty tables", vec![], vec![], vec![]),
            (
                "an empty table and a full one",
                vec![],
                vec![4, 0, 5],
                vec![4, 0, 5],
            ),
            (
                "a longer first table",
                vec![1, 1, 1, 7],
                vec![2, 2],
                vec![3, 3, 1, 7],
            ),
            (
                "a longer second table",
                vec![2, 2],
                vec![1, 1, 1, 7],
                vec![3, 3, 1, 7],
            ),
            (
                "a longer table with fewer values",
                vec![6, 6],
                vec![1, 0, 0, 2],
                vec![7, 6, 0, 2],
            ),
        ];
        let drawn = random_merge(&mut Dice::new());
        for (case, a, b, want) in cases.into_iter().chain([drawn]) {
            let (sum_a, sum_b): (u64, u64) = (a.iter().sum(), b.iter().sum());
            let got = answer(a.clone(), b.clone());
            if got == want {
                continue;
            }
            let total: u64 = got.iter().sum();
            let why = if total < sum_a + sum_b {
                format!(
                    "The inputs hold {sum_a} + {sum_b} = {} values, the merged table only \
                     {total}: {} dropped. ",
                    sum_a + sum_b,
                    sum_a + sum_b - total
                )
            } else if total > sum_a + sum_b {
                format!(
                    "The inputs hold {sum_a} + {sum_b} = {} values, the merged table {total}: \
                     {} counted twice. ",
                    sum_a + sum_b,
                    total - sum_a - sum_b
                )
            } else {
                String::new()
            };
            return Err(Wrong::in_case(
                case,
                format!(
                    "merging {a:?} and {b:?} gave {got:?}; expected {want:?}. {why}\
                     Add the counts value by value, and keep every value of the longer table."
                ),
            ));
        }
        Ok(
            "tables of equal and unequal lengths, and empty ones, merge without losing or \
            double-counting a value."
                .into(),
        )
    })
}

/// Two tables of different lengths, drawn afresh every run, longer one
/// first or second at random, every value above 0: an answer that knows only
/// the named cases cannot pass, and neither can one that drops a tail.
fn random_merge(dice: &mut Dice) -> MergeCase {
    let short = dice.between(1, 6);
    let long = short + dice.between(1, 6);
    let mut table = |len: u64| -> Vec<u64> { (0..len).map(|_| dice.between(1, 1000)).collect() };
    let (mut a, mut b) = (table(long), table(short));
    if dice.between(0, 2) == 1 {
        std::mem::swap(&mut a, &mut b);
    }
    let want = (0..long as usize)
        .map(|i| a.get(i).unwrap_or(&0) + b.get(i).unwrap_or(&0))
        .collect();
    ("two tables drawn at random", a, b, want)
}

/// A made-up table for a made-up file: value i is counted (i + k) % 3 times,
/// with k the length of the file's name. The tables differ in length (4 to
/// 10 values), as real files with different largest numbers do, so a merge
/// that stops at the shorter table loses counts.
fn fake_table(path: &Path) -> Vec<u64> {
    let k = path.to_string_lossy().len() as u64;
    (0..4 + k % 7).map(|i| (i + k) % 3).collect()
}

fn padded(mut table: Vec<u64>) -> Vec<u64> {
    while table.last() == Some(&0) {
        table.pop();
    }
    table
}

/// Checks `count_files(paths, count) -> Result<Vec<u64>, String>`.
pub fn count_files(
    answer: impl Fn(
        &[PathBuf],
        &(dyn Fn(&Path) -> Result<Vec<u64>, String> + Sync),
    ) -> Result<Vec<u64>, String>
    + Send
    + 'static,
) -> Report {
    COUNT_FILES.grade(move || {
        let fake = |p: &Path| Ok(fake_table(p));
        match answer(&[], &fake) {
            Ok(t) if t.iter().sum::<u64>() == 0 => {}
            Ok(t) => {
                return Err(Wrong::in_case(
                    "no files",
                    format!("no files should give an empty table (or all zeros), got {t:?}."),
                ));
            }
            Err(e) => {
                return Err(Wrong::in_case(
                    "no files",
                    format!("no files should give an empty table, not the error “{e}”."),
                ));
            }
        }
        let paths: Vec<PathBuf> = ["a.txt", "bb.txt", "ccc.txt", "dddd.txt", "e.txt"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let mut want = vec![0u64; 10];
        for p in &paths {
            for (w, c) in want.iter_mut().zip(fake_table(p)) {
                *w += c;
            }
        }
        let case = "five files";
        let calls = Mutex::new(Vec::new());
        let tallied = |p: &Path| {
            calls
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(p.to_path_buf());
            fake(p)
        };
        match answer(&paths, &tallied) {
            Ok(got) => {
                merged_sum(case, &want, &got)?;
                merged_values(case, &padded(want.clone()), &padded(got))?;
                counted_once(case, &paths, calls)?;
            }
            Err(e) => {
                return Err(Wrong::in_case(
                    case,
                    format!("came back as the error “{e}”."),
                ));
            }
        }

        let case = "five files, the third one bad";
        let one_bad = |p: &Path| {
            if p == Path::new("ccc.txt") {
                Err("ccc.txt, line 7: \"x\" is not a whole number from 0 to 99".to_string())
            } else {
                Ok(fake_table(p))
            }
        };
        match answer(&paths, &one_bad) {
            Err(e) if e.contains("ccc.txt, line 7") => {}
            Err(e) => {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "the error “{e}” is not the one the counting function returned; pass \
                         it on unchanged, so it still names the file and the line."
                    ),
                ));
            }
            Ok(t) => {
                return Err(Wrong::in_case(
                    case,
                    format!(
                        "counting ccc.txt failed, yet Ok({t:?}) came back: the bad file was \
                         skipped silently. Return its error instead."
                    ),
                ));
            }
        }

        // Parallelism, counted: on a pool of 2 threads, 2 files at once.
        let case = "six files on a pool of 2 threads";
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .map_err(|e| Wrong(format!("the check could not build a thread pool: {e}")))?;
        let probe = Probe::new(2);
        let watched = |p: &Path| probe.task(|| Ok(fake_table(p)));
        let six: Vec<PathBuf> = (0..6).map(|i| PathBuf::from(format!("f{i}.txt"))).collect();
        let got = pool.install(move || answer(&six, &watched));
        if let Err(e) = got {
            return Err(Wrong::in_case(
                case,
                format!("came back as the error “{e}”."),
            ));
        }
        if probe.threads() == [thread::current().id()] {
            return Err(Wrong::in_case(
                case,
                "every file was counted on the calling thread: nothing ran in parallel. \
                 Use paths.par_iter() (rayon) to count the files.",
            ));
        }
        if probe.peak() < 2 {
            return Err(Wrong::in_case(
                case,
                "it ran sequentially: the files were counted one after another, never two \
                 at the same time. Use paths.par_iter() (rayon) to count the files.",
            ));
        }
        Ok(
            "five tables merged exactly once each, a bad file's error passed on, and two \
            files counted at once on a pool of 2 threads."
                .into(),
        )
    })
}

/// Fails when the merged table of the five files holds more or fewer values
/// than their tables together.
fn merged_sum(case: &str, want: &[u64], got: &[u64]) -> Result<(), Wrong> {
    let (sum_want, sum_got): (u64, u64) = (want.iter().sum(), got.iter().sum());
    let problem = if sum_got < sum_want {
        format!(
            "the five tables hold {sum_want} values together, the merged table only {sum_got}: \
             {} lost, by a table left out or by a merge that stops at the shorter table. Merge \
             each file's table once, with merge_counts, which keeps every value of the longer \
             table.",
            sum_want - sum_got
        )
    } else if sum_got > sum_want {
        format!(
            "the five tables hold {sum_want} values together, the merged table {sum_got}: {} \
             counted twice. Merge each file's table exactly once, with merge_counts.",
            sum_got - sum_want
        )
    } else {
        return Ok(());
    };
    Err(Wrong::in_case(case, problem))
}

/// Fails when the merged table, as many values as expected, counts one of
/// them a wrong number of times.
fn merged_values(case: &str, want: &[u64], got: &[u64]) -> Result<(), Wrong> {
    let count = |table: &[u64], i: usize| table.get(i).copied().unwrap_or(0);
    let Some(i) = (0..want.len().max(got.len())).find(|&i| count(want, i) != count(got, i)) else {
        return Ok(());
    };
    Err(Wrong::in_case(
        case,
        format!(
            "the merged table is {got:?}, expected {want:?}: value {i} was counted {}, \
             expected {}. Add the tables value by value: the count at index i is the count of \
             value i.",
            plural(count(got, i), "time", "times"),
            count(want, i)
        ),
    ))
}

/// Fails unless every path in `paths` was handed to the counting function
/// exactly once: counting a file twice reads it twice.
fn counted_once(case: &str, paths: &[PathBuf], calls: Mutex<Vec<PathBuf>>) -> Result<(), Wrong> {
    let calls = calls.into_inner().unwrap_or_else(|e| e.into_inner());
    for p in paths {
        let n = calls.iter().filter(|c| *c == p).count();
        if n != 1 {
            return Err(Wrong::in_case(
                case,
                format!(
                    "{} was counted {n} times: call `count` exactly once for every file, and \
                     merge the table it gives (each call reads the whole file again).",
                    p.display()
                ),
            ));
        }
    }
    Ok(())
}
