//! The check of chapter 04's `transfer`: exact balances, a lock order that
//! does not follow the direction, both locks held for the whole transfer.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

use super::watch::finishes;
use super::{Report, TRANSFER, Wrong};
use crate::panics::panic_message;
use crate::sharing::{Account, lock_within};

/// Checks `transfer(from: &Account, to: &Account, amount: i64)`.
pub fn transfer(answer: impl Fn(&Account, &Account, i64) + Send + Sync + 'static) -> Report {
    TRANSFER.grade(move || {
        let answer = Arc::new(answer);
        let stall = Duration::from_secs(2);

        let (a, b) = (Account::new(1, 100), Account::new(2, 50));
        answer(&a, &b, 30);
        if (a.balance(), b.balance()) != (70, 80) {
            return Err(Wrong::in_case(
                "one transfer of 30 from account 1 (100) to account 2 (50)",
                format!(
                    "expected balances 70 and 80, got {} and {}.",
                    a.balance(),
                    b.balance()
                ),
            ));
        }
        answer(&b, &a, 80);
        if (a.balance(), b.balance()) != (150, 0) {
            return Err(Wrong::in_case(
                "a transfer from the higher id to the lower",
                format!(
                    "after moving 80 from account 2 back to account 1, expected balances 150 and 0, got {} and {}.",
                    a.balance(),
                    b.balance()
                ),
            ));
        }

        let case = "a transfer from an account to itself";
        let same = Arc::new(Account::new(7, 40));
        let (s, f) = (Arc::clone(&same), Arc::clone(&answer));
        if !finishes(Arc::new(AtomicU64::new(0)), stall, move || f(&s, &s, 10)) {
            return Err(Wrong::in_case(
                case,
                format!(
                    "it did not finish within {} s: the thread locked the same account twice \
                     and now waits for itself. When `from.id == to.id` there is nothing to move: \
                     return before locking anything.",
                    stall.as_secs()
                ),
            ));
        }
        if same.balance() != 40 {
            return Err(Wrong::in_case(
                case,
                format!(
                    "the balance went from 40 to {}; moving money to the same account changes nothing.",
                    same.balance()
                ),
            ));
        }

        // Which lock does the answer take first on a transfer from 1 to 2?
        // Either fixed order is right. With account 2 held, an answer that
        // starts with account 1 takes it and then waits; with account 1 held,
        // one that starts with account 2 takes that one.
        // Each watch lasts half a second: an answer that waits holding its
        // first lock is seen holding it. One seen holding neither asks first
        // for whichever account is busy.
        let first = if takes_other_first(&answer, true, 2)? {
            Some(1)
        } else if takes_other_first(&answer, true, 1)? {
            Some(2)
        } else {
            None
        };
        let Some(first) = first else {
            return Err(Wrong::in_case(
                "a transfer from 1 to 2 while the other account is held",
                "with either account busy, it waited without holding the other's lock: it never \
                 holds both locks at once, or it takes them in an order that depends on more than \
                 the ids, which can end in a deadlock. Hold both locks for the whole transfer, taken in one order decided from \
                 the ids alone (the lower id first, for instance).",
            ));
        };
        let other = 3 - first;

        // The check plays a transfer from 1 to 2 in the answer's own order: it
        // has taken account `first`. It starts the answer on a transfer from 2
        // to 1. An answer whose order follows the direction now holds account
        // `other` and waits for `first`; the check then asks for `other`, as
        // its transfer would, and waits in vain: a deadlock, detected by a
        // timeout instead of a hang.
        let case = format!("a transfer from 2 to 1 while a transfer from 1 to 2 holds account {first}");
        let (a, b) = (Arc::new(Account::new(1, 100)), Arc::new(Account::new(2, 100)));
        let (held_account, other_account) = if first == 1 { (&a, &b) } else { (&b, &a) };
        let held = held_account.balance.lock().unwrap_or_else(|e| e.into_inner());
        let worker = {
            let (a, b, f) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(&answer));
            thread::spawn(move || f(&b, &a, 5))
        };
        // Give the answer up to half a second to take a lock; an answer that
        // takes account `other` first keeps it, since `first` never comes free.
        let patience = Duration::from_millis(300);
        let watch = Instant::now();
        let mut deadlocked = false;
        while watch.elapsed() < Duration::from_millis(500) && !worker.is_finished() {
            if other_account.balance.try_lock().is_err() {
                deadlocked = lock_within(&other_account.balance, patience).is_none();
                break;
            }
            thread::sleep(Duration::from_millis(2));
        }
        drop(held); // either way, let the answer finish
        let _ = worker.join();
        if deadlocked {
            return Err(Wrong::in_case(
                &case,
                format!(
                    "its lock order follows the direction: from 2 to 1 it took account {other} \
                     first, from 1 to 2 it takes account {first} first. Two such transfers can \
                     each hold one account and wait for the other: a deadlock. Take the two locks \
                     in one order for every transfer, the lower id first, for instance."
                ),
            ));
        }
        if (a.balance(), b.balance()) != (105, 95) {
            return Err(Wrong::in_case(
                &case,
                format!(
                    "expected balances 105 and 95 once the lock was free, got {} and {}.",
                    a.balance(),
                    b.balance()
                ),
            ));
        }

        // Two threads move money each way between the same two accounts at
        // once, while an auditor checks that no money is ever in flight. The
        // rounds stop early after a few seconds, counted, so that on a machine
        // too busy to hand locks over quickly the check still ends well inside
        // its time limit; the final balances follow from the counts.
        let case = "two threads transferring in opposite directions at once";
        let rounds = 50_000u64;
        let budget = Duration::from_secs(5);
        let moved = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
        // A transfer that panics (refusing an overdraft, say) stops the rounds.
        let panics: Arc<Mutex<Vec<String>>> = Arc::default();
        let (a, b) = (Arc::new(Account::new(1, 1_000)), Arc::new(Account::new(2, 1_000)));
        let progress = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let audit = {
            let (a, b, stop) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(&stop));
            thread::spawn(move || {
                let mut seen = None;
                while !stop.load(Ordering::SeqCst) && seen.is_none() {
                    if let Some(ga) = lock_within(&a.balance, Duration::from_millis(50))
                        && let Some(gb) = lock_within(&b.balance, Duration::from_millis(50))
                        && *ga + *gb != 2_000
                    {
                        seen = Some(*ga + *gb);
                        stop.store(true, Ordering::SeqCst);
                    }
                    thread::sleep(Duration::from_micros(200));
                }
                seen
            })
        };
        let finished = {
            let (a, b, f, p, stop, moved, panics) = (
                Arc::clone(&a),
                Arc::clone(&b),
                Arc::clone(&answer),
                Arc::clone(&progress),
                Arc::clone(&stop),
                Arc::clone(&moved),
                Arc::clone(&panics),
            );
            let began = Instant::now();
            finishes(Arc::clone(&progress), stall, move || {
                // Direction 0 moves 1 from account 1 to 2, direction 1 moves 2 back.
                let run = |direction: usize| {
                    let (from, to, amount) = if direction == 0 { (&a, &b, 1) } else { (&b, &a, 2) };
                    for _ in 0..rounds {
                        if stop.load(Ordering::SeqCst) || began.elapsed() > budget {
                            break;
                        }
                        if let Err(payload) =
                            panic::catch_unwind(AssertUnwindSafe(|| f(from, to, amount)))
                        {
                            let mut seen = panics.lock().unwrap_or_else(|e| e.into_inner());
                            seen.push(panic_message(&*payload));
                            stop.store(true, Ordering::SeqCst);
                            break;
                        }
                        moved[direction].fetch_add(1, Ordering::SeqCst);
                        p.fetch_add(1, Ordering::SeqCst);
                    }
                };
                thread::scope(|s| {
                    s.spawn(|| run(0));
                    s.spawn(|| run(1));
                });
            })
        };
        stop.store(true, Ordering::SeqCst);
        let audited = audit.join().unwrap_or(None);
        if !finished {
            return Err(Wrong::in_case(
                case,
                format!(
                    "the transfers stopped making progress after {} of {} and stayed stuck for {} s: \
                     a deadlock. One thread holds account 1 and waits for account 2, the other holds \
                     account 2 and waits for account 1. Take the two locks in one order for every \
                     transfer, whichever way the money goes: the lower id first, for instance.",
                    progress.load(Ordering::SeqCst),
                    2 * rounds,
                    stall.as_secs()
                ),
            ));
        }
        // The first panic, not the other thread's on the lock it left poisoned.
        let panics = panics.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(message) = panics
            .iter()
            .find(|m| !m.contains("Poison"))
            .or(panics.first())
        {
            return Err(Wrong::in_case(
                case,
                format!(
                    "a transfer panicked (“{message}”): a transfer always moves the amount, even \
                     below zero, and refuses nothing."
                ),
            ));
        }
        if let Some(total) = audited {
            return Err(Wrong::in_case(
                case,
                format!(
                    "an auditor locking both accounts saw {total} in total instead of 2000: \
                     money had left one account and not yet reached the other. \
                     Hold both locks for the whole transfer."
                ),
            ));
        }
        let [ones, twos] = [0, 1].map(|d| moved[d].load(Ordering::SeqCst) as i64);
        let expected = (1_000 - ones + 2 * twos, 1_000 + ones - 2 * twos);
        if (a.balance(), b.balance()) != expected {
            return Err(Wrong::in_case(
                case,
                format!(
                    "expected final balances {} and {}, got {} and {}: a transfer always moves \
                     the amount, even below zero.",
                    expected.0,
                    expected.1,
                    a.balance(),
                    b.balance()
                ),
            ));
        }
        Ok(format!(
            "single transfers both ways were exact; a transfer to the same account did nothing; \
             {} opposite transfers ran at once without deadlock, and no audit saw money in flight; \
             transfers both ways took account {first}'s lock first.",
            ones + twos
        ))
    })
}

/// Holds account `held` (1 or 2) while the answer runs one transfer of 5, from
/// 1 to 2 (`from_1`) or from 2 to 1, then frees it. Says whether the answer
/// took the other account's lock meanwhile, that is, locks that one first: an
/// answer that starts with `held` waits holding nothing.
fn takes_other_first<F>(answer: &Arc<F>, from_1: bool, held: u64) -> Result<bool, Wrong>
where
    F: Fn(&Account, &Account, i64) + Send + Sync + 'static,
{
    let (dir, want) = if from_1 {
        ("1 to 2", (95, 105))
    } else {
        ("2 to 1", (105, 95))
    };
    let case = format!("a transfer from {dir} while account {held} is held");
    let (a, b) = (
        Arc::new(Account::new(1, 100)),
        Arc::new(Account::new(2, 100)),
    );
    let (held_account, other_account) = if held == 1 { (&a, &b) } else { (&b, &a) };
    let guard = held_account
        .balance
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let worker = {
        let (a, b, f) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(answer));
        thread::spawn(move || if from_1 { f(&a, &b, 5) } else { f(&b, &a, 5) })
    };
    // Watch the other account for the whole half second: the answer ends
    // up either holding it (it locks that one first) or not, and an answer
    // that changes it without holding it shows a balance of neither 100 nor
    // the final one while `held` is still ours.
    let watch = Instant::now();
    let mut took_other = false;
    let mut in_flight = None;
    while watch.elapsed() < Duration::from_millis(500) && !worker.is_finished() {
        match other_account.balance.try_lock() {
            Err(TryLockError::WouldBlock) => took_other = true,
            Ok(balance) if *balance != 100 => in_flight = Some(*balance),
            _ => {}
        }
        if in_flight.is_some() {
            break;
        }
        thread::sleep(Duration::from_millis(1));
    }
    if let Some(balance) = in_flight {
        return Err(Wrong::in_case(
            &case,
            format!(
                "while account {held} was busy, an auditor locked account {} and found {balance} \
                 in it instead of 100: the transfer changed one account without holding the \
                 other's lock, so for a while the money was in neither account, or in both. \
                 Hold both locks for the whole transfer.",
                3 - held
            ),
        ));
    }
    drop(guard);
    let _ = worker.join();
    let got = (a.balance(), b.balance());
    if got != want {
        // Untouched balances: the transfer was skipped, busy account or not.
        let skipped = if got == (100, 100) {
            " The money did not move: between two different accounts a transfer always \
             happens, also when one is busy or their balances are equal."
        } else {
            ""
        };
        return Err(Wrong::in_case(
            &case,
            format!(
                "expected balances {} and {} once account {held} was free, got {} and {}.{skipped}",
                want.0, want.1, got.0, got.1
            ),
        ));
    }
    Ok(took_other)
}
