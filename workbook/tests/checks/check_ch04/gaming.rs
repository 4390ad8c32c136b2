//! Wrong answers to chapter 04's exercises that aim at what the check looks
//! at (the sizes it uses, the threads it counts, the moments it audits), and
//! right answers written differently, which must keep passing.

use super::*;
use rayon::prelude::*;

type IsHit<'a> = &'a (dyn Fn(u64) -> bool + Sync);

/// Counts `chunk` on a scoped thread each, adding to one atomic counter.
fn count_in_chunks(inputs: &[u64], size: usize, is_hit: IsHit) -> u64 {
    let hits = AtomicU64::new(0);
    thread::scope(|s| {
        for chunk in inputs.chunks(size.max(1)) {
            let hits = &hits;
            s.spawn(move || {
                let mine = chunk.iter().filter(|&&x| is_hit(x)).count() as u64;
                hits.fetch_add(mine, Ordering::SeqCst);
            });
        }
    });
    hits.into_inner()
}

// ch04 count_shared ------------------------------------------------------

/// Starts threads only when asked for four, the count the check used to watch.
fn threads_only_for_four(inputs: &[u64], threads: usize, is_hit: IsHit) -> u64 {
    if threads != 4 {
        return inputs.iter().filter(|&&x| is_hit(x)).count() as u64;
    }
    count_in_chunks(inputs, inputs.len().div_ceil(4), is_hit)
}

/// No more threads than cores, whatever `threads` says.
fn at_most_one_thread_per_core(inputs: &[u64], threads: usize, is_hit: IsHit) -> u64 {
    let threads = threads.min(workbook::cpus().available);
    count_in_chunks(inputs, inputs.len().div_ceil(threads), is_hit)
}

/// rayon's global pool, whatever `threads` says (rayon runs an input it
/// does not split on the calling thread).
fn global_pool(inputs: &[u64], _threads: usize, is_hit: IsHit) -> u64 {
    inputs.par_iter().filter(|&&x| is_hit(x)).count() as u64
}

/// Reads the counter inside the scope, before the threads are joined.
fn reads_before_the_join(inputs: &[u64], threads: usize, is_hit: IsHit) -> u64 {
    let hits = AtomicU64::new(0);
    let size = inputs.len().div_ceil(threads).max(1);
    thread::scope(|s| {
        for chunk in inputs.chunks(size) {
            let hits = &hits;
            s.spawn(move || {
                for &x in chunk {
                    if is_hit(x) {
                        hits.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        hits.load(Ordering::SeqCst)
    })
}

/// Races on small inputs, and answers the input count for big ones, where
/// the check used to make every input a hit.
fn every_big_input_a_hit(inputs: &[u64], threads: usize, is_hit: IsHit) -> u64 {
    if inputs.len() >= 100_000 {
        return inputs.len() as u64;
    }
    count_in_chunks(inputs, inputs.len().div_ceil(threads), is_hit)
}

#[test]
fn threads_started_only_for_the_watched_count_are_caught() {
    assert_wrong(
        || ch04::count_shared(threads_only_for_four),
        &["one input, one thread", "no thread was started"],
    );
}

#[test]
fn one_thread_per_core_is_caught_on_any_machine() {
    assert_wrong(
        || ch04::count_shared(at_most_one_thread_per_core),
        &["threads at once", "new threads, all started"],
    );
}

#[test]
fn the_global_pool_is_caught_on_any_machine() {
    assert_wrong(
        || ch04::count_shared(global_pool),
        &["one input, one thread", "no thread was started"],
    );
}

#[test]
fn a_count_read_before_the_join_is_caught() {
    assert_wrong(
        || ch04::count_shared(reads_before_the_join),
        &["expected", "hits"],
    );
}

#[test]
fn answering_the_input_count_for_big_inputs_is_caught() {
    assert_wrong(
        || ch04::count_shared(every_big_input_a_hit),
        &["heavy contention", "too many", "each once"],
    );
}

#[test]
fn counts_sent_over_a_channel_are_right_too() {
    assert_done(ch04::count_shared(|inputs, threads, is_hit| {
        let (tx, rx) = std::sync::mpsc::channel();
        let size = inputs.len().div_ceil(threads).max(1);
        thread::scope(|s| {
            for chunk in inputs.chunks(size) {
                let tx = tx.clone();
                s.spawn(move || {
                    let mine = chunk.iter().filter(|&&x| is_hit(x)).count() as u64;
                    tx.send(mine).unwrap();
                });
            }
        });
        drop(tx);
        rx.iter().sum()
    }));
}

// ch04 transfer ----------------------------------------------------------

/// Withdraws, then deposits, one lock at a time, without pausing between.
fn one_lock_at_a_time_no_pause(from: &Account, to: &Account, amount: i64) {
    *from.balance.lock().unwrap() -= amount;
    *to.balance.lock().unwrap() += amount;
}

/// Deposits first, then withdraws: the money is briefly in both accounts.
fn deposit_before_withdrawing(from: &Account, to: &Account, amount: i64) {
    *to.balance.lock().unwrap() += amount;
    *from.balance.lock().unwrap() -= amount;
}

/// One bank-wide lock, then `from` and `to` in the direction's order.
fn bank_lock_then_from_to(from: &Account, to: &Account, amount: i64) {
    static BANK: Mutex<()> = Mutex::new(());
    if from.id == to.id {
        return;
    }
    let _bank = BANK.lock().unwrap();
    let mut f = from.balance.lock().unwrap();
    let mut t = to.balance.lock().unwrap();
    *f -= amount;
    *t += amount;
}

/// Takes equal balances for the same account.
fn same_account_by_balance(from: &Account, to: &Account, amount: i64) {
    if from.balance() == to.balance() {
        return;
    }
    let (low, high) = if from.id < to.id {
        (from, to)
    } else {
        (to, from)
    };
    let mut l = low.balance.lock().unwrap();
    let mut h = high.balance.lock().unwrap();
    let (f, t) = if from.id < to.id {
        (&mut *l, &mut *h)
    } else {
        (&mut *h, &mut *l)
    };
    *f -= amount;
    *t += amount;
}

/// Reads both balances, then writes the new ones back, one lock at a time.
fn read_then_write_back(from: &Account, to: &Account, amount: i64) {
    if from.id == to.id {
        return;
    }
    let (f, t) = (from.balance(), to.balance());
    *from.balance.lock().unwrap() = f - amount;
    *to.balance.lock().unwrap() = t + amount;
}

#[test]
fn one_lock_at_a_time_without_a_pause_is_seen_by_the_auditor() {
    assert_wrong(
        || ch04::transfer(one_lock_at_a_time_no_pause),
        &[
            "auditor",
            "found 95",
            "Hold both locks for the whole transfer",
        ],
    );
}

#[test]
fn depositing_before_withdrawing_is_seen_by_the_auditor() {
    assert_wrong(
        || ch04::transfer(deposit_before_withdrawing),
        &[
            "auditor",
            "found 105",
            "Hold both locks for the whole transfer",
        ],
    );
}

#[test]
fn a_bank_wide_lock_does_not_fix_the_order_of_the_account_locks() {
    assert_wrong(
        || ch04::transfer(bank_lock_then_from_to),
        &[
            "a deadlock",
            "its lock order follows the direction",
            "lower id first",
        ],
    );
}

#[test]
fn equal_balances_taken_for_the_same_account_lose_transfers() {
    assert_wrong(
        || ch04::transfer(same_account_by_balance),
        &["expected balances 95 and 105", "their balances are equal"],
    );
}

#[test]
fn balances_read_then_written_back_are_not_one_transfer() {
    assert_wrong(
        || ch04::transfer(read_then_write_back),
        &["it never holds both locks at once"],
    );
}

#[test]
fn locks_ordered_with_cmp_are_right_too() {
    assert_done(ch04::transfer(|from, to, amount| {
        let (first, second) = match from.id.cmp(&to.id) {
            std::cmp::Ordering::Equal => return,
            std::cmp::Ordering::Less => (from, to),
            std::cmp::Ordering::Greater => (to, from),
        };
        let mut first = first.balance.lock().unwrap();
        let mut second = second.balance.lock().unwrap();
        let (f, t) = if from.id < to.id {
            (&mut *first, &mut *second)
        } else {
            (&mut *second, &mut *first)
        };
        *f -= amount;
        *t += amount;
    }));
}
