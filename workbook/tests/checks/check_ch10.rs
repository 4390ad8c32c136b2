//! Wrong answers to chapter 10's `on_every_rank`: each must be rejected, and
//! the message must say what to change.

use std::sync::mpsc;
use std::thread;

use crate::common::{assert_done, assert_wrong};
use workbook::check::ch10;

type RankFn<'a> = &'a (dyn Fn(usize, usize) -> String + Sync);

/// The reference answer: a scoped thread per rank, joined in rank order.
fn every_rank(size: usize, f: RankFn) -> Vec<String> {
    thread::scope(|s| {
        let handles: Vec<_> = (0..size).map(|r| s.spawn(move || f(r, size))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// A plain loop: right lines, one rank after another.
fn one_after_another(size: usize, f: RankFn) -> Vec<String> {
    (0..size).map(|r| f(r, size)).collect()
}

/// Numbers the ranks from 1, as people count.
fn ranks_from_one(size: usize, f: RankFn) -> Vec<String> {
    thread::scope(|s| {
        let handles: Vec<_> = (1..=size).map(|r| s.spawn(move || f(r, size))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Stops one rank short.
fn forgets_the_last(size: usize, f: RankFn) -> Vec<String> {
    let mut lines = every_rank(size, f);
    lines.pop();
    lines
}

/// Gathers the lines in the order the ranks finish.
fn completion_order(size: usize, f: RankFn) -> Vec<String> {
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        for r in 0..size {
            let tx = tx.clone();
            s.spawn(move || tx.send(f(r, size)).unwrap());
        }
    });
    drop(tx);
    rx.iter().collect()
}

/// Passes the rank where the size belongs.
fn rank_as_size(size: usize, f: RankFn) -> Vec<String> {
    thread::scope(|s| {
        let handles: Vec<_> = (0..size).map(|r| s.spawn(move || f(r, r))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Runs the function once, on "rank 0" only.
fn only_rank_zero(size: usize, f: RankFn) -> Vec<String> {
    vec![thread::scope(|s| {
        s.spawn(move || f(0, size)).join().unwrap()
    })]
}

/// A rayon pool of 2 threads: fewer threads than ranks, so ranks wait their turn.
fn small_pool(size: usize, f: RankFn) -> Vec<String> {
    use rayon::prelude::*;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    pool.install(|| (0..size).into_par_iter().map(|r| f(r, size)).collect())
}

/// Gathers the lines as the ranks finish, then reverses them: right only
/// when the ranks finish last to first.
fn reversed_completion(size: usize, f: RankFn) -> Vec<String> {
    let mut lines = completion_order(size, f);
    lines.reverse();
    lines
}

/// Gathers the lines as the ranks finish, then sorts them as text: right
/// for up to 10 ranks, but "rank 10" sorts before "rank 2".
fn sorted_as_text(size: usize, f: RankFn) -> Vec<String> {
    let mut lines = completion_order(size, f);
    lines.sort();
    lines
}

/// One thread per core, each taking every `cores`-th rank: ranks wait their
/// turn once there are more ranks than cores.
fn thread_per_core(size: usize, f: RankFn) -> Vec<String> {
    let cores = workbook::cpus().available;
    let mut lines = vec![String::new(); size];
    thread::scope(|s| {
        let handles: Vec<_> = (0..cores)
            .map(|c| {
                s.spawn(move || {
                    (c..size)
                        .step_by(cores)
                        .map(|r| (r, f(r, size)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (r, line) in h.join().unwrap() {
                lines[r] = line;
            }
        }
    });
    lines
}

/// rayon's global pool, one thread per core.
fn global_pool(size: usize, f: RankFn) -> Vec<String> {
    use rayon::prelude::*;
    (0..size).into_par_iter().map(|r| f(r, size)).collect()
}

/// Rank lines tagged with their rank, sorted by the number: right, written
/// another way.
fn sorted_by_rank(size: usize, f: RankFn) -> Vec<String> {
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        for r in 0..size {
            let tx = tx.clone();
            s.spawn(move || tx.send((r, f(r, size))).unwrap());
        }
    });
    drop(tx);
    let mut tagged: Vec<(usize, String)> = rx.iter().collect();
    tagged.sort_by_key(|(r, _)| *r);
    tagged.into_iter().map(|(_, line)| line).collect()
}

#[test]
fn the_reference_passes_and_a_stub_is_not_started() {
    assert!(ch10::on_every_rank(every_rank).is_done());
    assert!(ch10::on_every_rank(|_, _| todo!()).is_not_started());
}

#[test]
fn a_loop_is_told_it_ran_sequentially() {
    assert_wrong(
        || ch10::on_every_rank(one_after_another),
        &["no thread was started"],
    );
}

#[test]
fn ranks_from_one_are_told_mpi_counts_from_zero() {
    assert_wrong(
        || ch10::on_every_rank(ranks_from_one),
        &["numbered from 0 to size − 1"],
    );
}

#[test]
fn a_missing_last_rank_is_named() {
    assert_wrong(
        || ch10::on_every_rank(forgets_the_last),
        &["0 lines came back for 1 rank;", "hello from rank 0 of 1"],
    );
}

#[test]
fn lines_in_completion_order_are_out_of_order() {
    assert_wrong(
        || ch10::on_every_rank(completion_order),
        &["in the wrong order", "rank order"],
    );
}

#[test]
fn the_rank_passed_as_size_is_caught() {
    assert_wrong(
        || ch10::on_every_rank(rank_as_size),
        &["with the job's size, 1"],
    );
}

#[test]
fn running_on_one_rank_only_is_caught() {
    assert_wrong(
        || ch10::on_every_rank(only_rank_zero),
        &["one line came back for 5 ranks"],
    );
}

#[test]
fn a_pool_smaller_than_the_job_is_caught() {
    assert_wrong(
        || ch10::on_every_rank(small_pool),
        &["one new thread per rank"],
    );
}

#[test]
fn reversing_the_finishing_order_is_caught() {
    assert_wrong(
        || ch10::on_every_rank(reversed_completion),
        &["in the wrong order", "rank order"],
    );
}

#[test]
fn lines_sorted_as_text_are_caught() {
    assert_wrong(
        || ch10::on_every_rank(sorted_as_text),
        &[
            "in the wrong order",
            "(12 lines); line 3 reads “hello from rank 10 of 12”, where “hello from rank 2 of 12” belongs",
        ],
    );
}

#[test]
fn one_thread_per_core_is_caught_on_any_machine() {
    assert_wrong(
        || ch10::on_every_rank(thread_per_core),
        &["one new thread per rank"],
    );
}

#[test]
fn the_global_pool_is_caught_on_any_machine() {
    assert_wrong(
        || ch10::on_every_rank(global_pool),
        &["one new thread per rank"],
    );
}

#[test]
fn lines_tagged_and_sorted_by_rank_pass() {
    assert_done(ch10::on_every_rank(sorted_by_rank));
}

/// Rank 0 on the calling thread, as if the program that starts the job were
/// one of its ranks; a thread for every other rank.
fn caller_is_rank_zero(size: usize, f: RankFn) -> Vec<String> {
    thread::scope(|s| {
        let others: Vec<_> = (1..size).map(|r| s.spawn(move || f(r, size))).collect();
        let mut lines = vec![f(0, size)];
        lines.extend(others.into_iter().map(|h| h.join().unwrap()));
        lines
    })
}

#[test]
fn rank_zero_on_the_calling_thread_is_caught() {
    assert_wrong(
        || ch10::on_every_rank(caller_is_rank_zero),
        &["one of them the calling thread", "new threads"],
    );
}

/// Right, written another way: every rank writes its own slot of the result.
fn each_rank_fills_its_slot(size: usize, f: RankFn) -> Vec<String> {
    let mut lines = vec![String::new(); size];
    thread::scope(|s| {
        for (rank, slot) in lines.iter_mut().enumerate() {
            s.spawn(move || *slot = f(rank, size));
        }
    });
    lines
}

#[test]
fn ranks_that_fill_their_own_slots_pass() {
    assert_done(ch10::on_every_rank(each_rank_fills_its_slot));
}
