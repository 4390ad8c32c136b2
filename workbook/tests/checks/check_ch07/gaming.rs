//! Wrong answers to chapter 07's exercises that aim at what the check looks
//! at (the n it asks for, the pool it watches), and right answers written
//! differently, which must keep passing.

use super::*;
use rayon::prelude::*;
use std::thread;

type Leaf<'a> = &'a (dyn Fn(u32) -> u64 + Sync);

/// f(n) with additions that wrap past u64::MAX.
fn wrapping_fib(n: u32) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}

// ch07 fib_checked ---------------------------------------------------------

/// Refuses exactly the n the check used to ask for, and wraps for the rest.
fn refuses_the_checks_n(n: u32) -> Result<u64, String> {
    match n {
        94 | 100 | 4_000_000_000 => Err(format!("f({n}) does not fit in a u64")),
        _ => Ok(wrapping_fib(n)),
    }
}

/// Names the number whose addition overflowed, not the n asked for.
fn names_the_overflow_step(n: u32) -> Result<u64, String> {
    let (mut a, mut b) = (0u64, 1u64);
    for k in 0..n {
        let next = if k + 1 < n {
            a.checked_add(b)
                .ok_or_else(|| format!("f({}) overflowed", k + 2))?
        } else {
            0
        };
        (a, b) = (b, next);
    }
    Ok(a)
}

/// Adds in i64: f(93) does not fit there, though it fits in a u64.
fn signed(n: u32) -> Result<u64, String> {
    let (mut a, mut b) = (0i64, 1i64);
    for _ in 0..n {
        let next = a
            .checked_add(b)
            .ok_or_else(|| format!("f({n}) is too large"))?;
        (a, b) = (b, next);
    }
    Ok(a as u64)
}

/// A table of f(0) to f(93), indexed without a bounds check.
fn unchecked_table(n: u32) -> Result<u64, String> {
    let table: Vec<u64> = (0..94).map(wrapping_fib).collect();
    Ok(table[n as usize])
}

/// Panics on overflow instead of returning an error.
fn expects_instead_of_err(n: u32) -> Result<u64, String> {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.checked_add(b).expect("fibonacci overflowed"));
    }
    Ok(a)
}

#[test]
fn refusing_only_the_checks_n_is_caught() {
    assert_wrong(
        || ch07::fib_checked(refuses_the_checks_n),
        &["does not fit in a u64, yet it came back as Ok"],
    );
}

#[test]
fn an_error_naming_the_overflow_step_is_caught() {
    assert_wrong(
        || ch07::fib_checked(names_the_overflow_step),
        &["f(100)", "does not say which n was asked for"],
    );
}

#[test]
fn adding_in_i64_refuses_f93() {
    assert_wrong(
        || ch07::fib_checked(signed),
        &["fits in a u64, but came back as the error"],
    );
}

#[test]
fn a_table_indexed_past_its_end_panics_and_is_reported() {
    assert_wrong(
        || ch07::fib_checked(unchecked_table),
        &["it panicked", "index out of bounds"],
    );
}

#[test]
fn panicking_on_overflow_is_caught() {
    assert_wrong(
        || ch07::fib_checked(expects_instead_of_err),
        &["it panicked", "fibonacci overflowed"],
    );
}

#[test]
fn an_overflow_seen_as_a_smaller_sum_is_right_too() {
    // A wrapped sum is smaller than what was added: that is the overflow.
    assert_done(ch07::fib_checked(|n| {
        let (mut a, mut b) = (0u64, 1u64); // f(k) and f(k + 1)
        for k in 0..n {
            let sum = a.wrapping_add(b); // f(k + 2), needed only up to f(n)
            if sum < b && k + 2 <= n {
                return Err(format!("f({n}) does not fit in a u64"));
            }
            (a, b) = (b, sum);
        }
        Ok(a)
    }));
}

// ch07 fib_par -------------------------------------------------------------

/// Splits in parallel only for the n the pool case used, sequentially below.
fn parallel_only_for_22(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    fn go(n: u32, cutoff: u32, leaf: Leaf, par: bool) -> u64 {
        if n < cutoff.max(2) {
            return leaf(n);
        }
        if par {
            let (a, b) = rayon::join(
                || go(n - 1, cutoff, leaf, true),
                || go(n - 2, cutoff, leaf, true),
            );
            a + b
        } else {
            go(n - 1, cutoff, leaf, false) + go(n - 2, cutoff, leaf, false)
        }
    }
    go(n, cutoff, leaf, n == 22)
}

/// Scoped threads at every split, as in chapter 01, instead of rayon::join.
fn a_thread_per_split(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    if n < cutoff.max(2) {
        return leaf(n);
    }
    thread::scope(|s| {
        let a = s.spawn(|| a_thread_per_split(n - 1, cutoff, leaf));
        let b = a_thread_per_split(n - 2, cutoff, leaf);
        a.join().unwrap() + b
    })
}

/// A pool of its own, sized by the machine, built at the top.
fn a_pool_of_its_own(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    fn go(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
        if n < cutoff.max(2) {
            return leaf(n);
        }
        let (a, b) = rayon::join(|| go(n - 1, cutoff, leaf), || go(n - 2, cutoff, leaf));
        a + b
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workbook::cpus().available.max(4))
        .build()
        .unwrap();
    pool.install(|| go(n, cutoff, leaf))
}

/// Returns f(n) without a leaf for n of 0 and 1, whatever the cutoff.
fn base_case_without_the_leaf(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    if n < 2 {
        return n as u64;
    }
    if n < cutoff {
        return leaf(n);
    }
    let (a, b) = rayon::join(
        || base_case_without_the_leaf(n - 1, cutoff, leaf),
        || base_case_without_the_leaf(n - 2, cutoff, leaf),
    );
    a + b
}

/// Takes the cutoff for a depth: splits `cutoff` levels, then calls the leaf.
fn cutoff_as_depth(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    if cutoff == 0 || n < 2 {
        return leaf(n);
    }
    let (a, b) = rayon::join(
        || cutoff_as_depth(n - 1, cutoff - 1, leaf),
        || cutoff_as_depth(n - 2, cutoff - 1, leaf),
    );
    a + b
}

#[test]
fn a_parallel_split_only_for_the_watched_n_is_caught() {
    assert_wrong(
        || ch07::fib_par(parallel_only_for_22),
        &["n = 12, cutoff 0", "every leaf ran on the calling thread"],
    );
}

#[test]
fn a_thread_per_split_is_caught() {
    assert_wrong(
        || ch07::fib_par(a_thread_per_split),
        &["outside the rayon pool", "rayon::join"],
    );
}

#[test]
fn a_pool_of_its_own_is_caught() {
    assert_wrong(
        || ch07::fib_par(a_pool_of_its_own),
        &["outside the rayon pool", "a pool, of its own"],
    );
}

#[test]
fn a_base_case_that_skips_the_leaf_is_caught() {
    assert_wrong(
        || ch07::fib_par(base_case_without_the_leaf),
        &["n = 0 and cutoff 0", "the leaf was never called"],
    );
}

#[test]
fn the_cutoff_taken_for_a_depth_is_caught() {
    assert_wrong(|| ch07::fib_par(cutoff_as_depth), &["the leaf was called"]);
}

#[test]
fn halves_as_a_parallel_iterator_are_right_too() {
    fn split(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
        if n < cutoff.max(2) {
            return leaf(n);
        }
        [n - 1, n - 2]
            .par_iter()
            .map(|&k| split(k, cutoff, leaf))
            .sum()
    }
    assert_done(ch07::fib_par(split));
}
