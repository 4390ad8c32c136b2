//! Wrong answers to chapter 06's exercises that aim at what the check looks
//! at (the task counts it watches, how long its tasks take, the inputs it
//! uses), and right answers written differently, which must keep passing.

use super::*;
use workbook::panics::panic_message;

// ch06 report_every ------------------------------------------------------

/// Starts a thread per task only when there are four, the count the check
/// used to watch; runs the others on the calling thread.
fn threads_only_for_four(jobs: Vec<Fallible>) -> Outcomes {
    if jobs.len() != 4 {
        return jobs.into_iter().map(|job| job()).enumerate().collect();
    }
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .enumerate()
        .collect()
}

/// No more threads than cores: each thread runs its share of the jobs.
fn one_thread_per_core(jobs: Vec<Fallible>) -> Outcomes {
    let cores = workbook::cpus().available;
    let mut shares: Vec<Vec<(usize, Fallible)>> = (0..cores).map(|_| Vec::new()).collect();
    for (i, job) in jobs.into_iter().enumerate() {
        shares[i % cores].push((i, job));
    }
    let handles: Vec<_> = shares
        .into_iter()
        .map(|share| {
            thread::spawn(move || {
                share
                    .into_iter()
                    .map(|(i, job)| (i, job()))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}

/// rayon's global pool, sized by the machine.
fn global_pool(jobs: Vec<Fallible>) -> Outcomes {
    jobs.into_par_iter()
        .enumerate()
        .map(|(i, job)| (i, job()))
        .collect()
}

/// Spawns every job, then waits a while and takes whatever has arrived.
fn waits_a_while(jobs: Vec<Fallible>) -> Outcomes {
    let (tx, rx) = mpsc::channel();
    for (i, job) in jobs.into_iter().enumerate() {
        let tx = tx.clone();
        thread::spawn(move || {
            let _ = tx.send((i, job()));
        });
    }
    thread::sleep(std::time::Duration::from_millis(100));
    rx.try_iter().collect()
}

/// Two jobs per thread, one after the other.
fn two_per_thread(jobs: Vec<Fallible>) -> Outcomes {
    let mut numbered: Vec<(usize, Fallible)> = jobs.into_iter().enumerate().collect();
    let mut handles = Vec::new();
    while !numbered.is_empty() {
        let pair: Vec<(usize, Fallible)> = numbered.drain(..2.min(numbered.len())).collect();
        handles.push(thread::spawn(move || {
            pair.into_iter()
                .map(|(i, job)| (i, job()))
                .collect::<Vec<_>>()
        }));
    }
    handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}

#[test]
fn report_every_threads_only_for_the_watched_count_are_caught() {
    assert_wrong(
        || ch06::report_every(threads_only_for_four),
        &["three jobs that all succeed", "no thread was started"],
    );
}

#[test]
fn report_every_one_thread_per_core_is_caught_on_any_machine() {
    assert_wrong(
        || ch06::report_every(one_thread_per_core),
        &["jobs at once", "one new thread per job"],
    );
}

#[test]
fn report_every_on_the_global_pool_is_caught_on_any_machine() {
    assert_wrong(
        || ch06::report_every(global_pool),
        &["jobs at once", "one new thread per job"],
    );
}

#[test]
fn waiting_a_while_instead_of_for_every_outcome_is_caught() {
    assert_wrong(
        || ch06::report_every(waits_a_while),
        &[
            "1 of 5 jobs was never reported",
            "1 job was still running when your function returned",
            "(join each handle)",
        ],
    );
}

#[test]
fn two_tasks_per_thread_are_not_all_at_once() {
    assert_wrong(
        || ch06::report_every(two_per_thread),
        &["jobs at once", "expected"],
    );
}

#[test]
fn a_counted_receive_and_scoped_spawns_report_right_too() {
    // One `recv` per job, instead of waiting for the senders to be dropped;
    // each thread catches its job's panic itself, so every job sends.
    assert_done(ch06::report_every(|jobs| {
        let (tx, rx) = mpsc::channel();
        let n = jobs.len();
        thread::scope(|s| {
            for (i, job) in jobs.into_iter().enumerate() {
                let tx = tx.clone();
                s.spawn(move || {
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))
                        .unwrap_or_else(|payload| {
                            Err(format!("panicked: {}", panic_message(&*payload)))
                        });
                    tx.send((i, outcome)).unwrap()
                });
            }
            (0..n).map(|_| rx.recv().unwrap()).collect()
        })
    }));
}

// ch06 all_or_first_error ------------------------------------------------

/// Parallel only for four inputs, the count the check used to watch.
fn par_only_for_four(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    if inputs.len() == 4 {
        return inputs.par_iter().map(|&x| named(x, task(x))).collect();
    }
    inputs.iter().map(|&x| named(x, task(x))).collect()
}

/// Answers four inputs without running a task, as the check's tasks echo them.
fn echoes_four_inputs(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    if inputs.len() == 4 {
        return Ok(inputs.to_vec());
    }
    inputs.par_iter().map(|&x| named(x, task(x))).collect()
}

/// Names the input's position instead of the input.
fn names_the_position(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    inputs
        .par_iter()
        .enumerate()
        .map(|(i, &x)| task(x).map_err(|e| format!("input {i}: {e}")))
        .collect()
}

/// Names the input, in words of its own.
fn input_without_the_colon(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    inputs
        .par_iter()
        .map(|&x| task(x).map_err(|e| format!("input {x} {e}")))
        .collect()
}

/// Sequential, but on one spawned thread, so not on the caller.
fn one_spawned_thread(inputs: &[u64], task: Task) -> Result<Vec<u64>, String> {
    thread::scope(|s| {
        s.spawn(|| inputs.iter().map(|&x| named(x, task(x))).collect())
            .join()
            .unwrap()
    })
}

#[test]
fn par_iter_only_for_the_watched_count_is_caught() {
    assert_wrong(
        || ch06::all_or_first_error(par_only_for_four),
        &["eight inputs, 8 down to 1", "ran sequentially", "par_iter"],
    );
}

#[test]
fn four_inputs_answered_without_running_a_task_are_caught() {
    if workbook::cpus().available < 2 {
        return; // the check asks for parallelism only where there are two CPUs
    }
    assert_wrong(
        || ch06::all_or_first_error(echoes_four_inputs),
        &[
            "two inputs at once",
            "none of the tasks ran",
            "returned without running any",
        ],
    );
}

#[test]
fn an_error_naming_the_position_is_caught() {
    assert_wrong(
        || ch06::all_or_first_error(names_the_position),
        &["input 5 failing", "got Err(\"input 4: refused\")"],
    );
}

#[test]
fn an_error_in_other_words_is_caught() {
    assert_wrong(
        || ch06::all_or_first_error(input_without_the_colon),
        &["input 5 failing", "expected Err(\"input 5: refused\")"],
    );
}

#[test]
fn one_spawned_thread_is_still_sequential() {
    if workbook::cpus().available < 2 {
        return; // the check asks for parallelism only where there are two CPUs
    }
    assert_wrong(
        || ch06::all_or_first_error(one_spawned_thread),
        &["two inputs at once", "ran sequentially"],
    );
}

#[test]
fn all_results_first_then_the_first_error_is_right_too() {
    // Every task runs, then the results are searched in input order.
    assert_done(ch06::all_or_first_error(|inputs, task| {
        let results: Vec<Result<u64, String>> =
            inputs.par_iter().map(|&x| named(x, task(x))).collect();
        results.into_iter().collect()
    }));
}
