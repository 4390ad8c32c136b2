//! Wrong answers to chapter 07's exercises: each must be rejected, and the
//! message must say what went wrong.

use crate::common::{assert_done, assert_wrong};
use workbook::check::ch07;

fn fib_seq(n: u32) -> u64 {
    if n < 2 {
        n as u64
    } else {
        fib_seq(n - 1) + fib_seq(n - 2)
    }
}

// ch07 fib_checked ---------------------------------------------------------

/// Release-build behaviour: additions wrap around past f(93).
fn wrapping(n: u32) -> Result<u64, String> {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n.min(200) {
        (a, b) = (b, a.wrapping_add(b));
    }
    Ok(a)
}

/// Caps at u64::MAX instead of saying no.
fn saturating(n: u32) -> Result<u64, String> {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n.min(200) {
        (a, b) = (b, a.saturating_add(b));
    }
    Ok(a)
}

/// Computes f(n + 1) on the way, so it refuses f(93), which fits.
fn one_too_early(n: u32) -> Result<u64, String> {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        let next = a
            .checked_add(b)
            .ok_or_else(|| format!("f({n}) is too large"))?;
        (a, b) = (b, next);
    }
    Ok(a)
}

/// Refuses, but never says which n.
fn vague_error(n: u32) -> Result<u64, String> {
    if n > 93 {
        Err("overflow".into())
    } else {
        Ok(fib_seq_iter(n))
    }
}

fn fib_seq_iter(n: u32) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}

#[test]
fn a_wrapped_number_is_rejected() {
    assert_wrong(
        || ch07::fib_checked(wrapping),
        &["f(94) does not fit in a u64", "wrapped or capped"],
    );
}

#[test]
fn a_capped_number_is_rejected() {
    assert_wrong(
        || ch07::fib_checked(saturating),
        &["came back as Ok(18446744073709551615)"],
    );
}

#[test]
fn refusing_f93_is_rejected() {
    assert_wrong(
        || ch07::fib_checked(one_too_early),
        &["f(93) = 12200160415121876738 fits in a u64"],
    );
}

#[test]
fn an_error_that_does_not_name_n_is_rejected() {
    assert_wrong(|| ch07::fib_checked(vague_error), &["does not say which n"]);
}

// ch07 fib_par ---------------------------------------------------------------

/// Right value and right leaves, but the halves run one after the other.
fn never_parallel(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {
    if n < cutoff.max(2) {
        return leaf(n);
    }
    never_parallel(n - 1, cutoff, leaf) + never_parallel(n - 2, cutoff, leaf)
}

/// Parallel, but ignores the cutoff and splits all the way down.
fn ignores_cutoff(n: u32, _cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {
    if n < 2 {
        return leaf(n);
    }
    let (a, b) = rayon::join(
        || ignores_cutoff(n - 1, _cutoff, leaf),
        || ignores_cutoff(n - 2, _cutoff, leaf),
    );
    a + b
}

/// Parallel, but computes the leaves itself: the leaf is never called.
fn skips_the_leaf(n: u32, cutoff: u32, _leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {
    if n < cutoff.max(2) {
        return fib_seq(n);
    }
    let (a, b) = rayon::join(
        || skips_the_leaf(n - 1, cutoff, _leaf),
        || skips_the_leaf(n - 2, cutoff, _leaf),
    );
    a + b
}

/// Uses `<=`: the leaf also gets n equal to the cutoff.
fn leaf_at_cutoff(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {
    if n <= cutoff.max(1) {
        return leaf(n);
    }
    let (a, b) = rayon::join(
        || leaf_at_cutoff(n - 1, cutoff, leaf),
        || leaf_at_cutoff(n - 2, cutoff, leaf),
    );
    a + b
}

#[test]
fn a_split_that_never_runs_in_parallel_is_told_so() {
    assert_wrong(
        || ch07::fib_par(never_parallel),
        &["ran sequentially", "rayon::join"],
    );
}

#[test]
fn splitting_past_the_cutoff_is_rejected() {
    assert_wrong(
        || ch07::fib_par(ignores_cutoff),
        &["the leaf was called", "times"],
    );
}

#[test]
fn a_leaf_never_called_is_rejected() {
    assert_wrong(
        || ch07::fib_par(skips_the_leaf),
        &["the leaf was never called"],
    );
}

#[test]
fn a_leaf_at_the_cutoff_is_rejected() {
    assert_wrong(|| ch07::fib_par(leaf_at_cutoff), &["not below the cutoff"]);
}

#[test]
fn untouched_stubs_are_not_started() {
    assert!(ch07::fib_checked(|_| todo!()).is_not_started());
    assert!(ch07::fib_par(|_, _, _| todo!()).is_not_started());
    assert_eq!(fib_seq(10), 55);
}

#[path = "check_ch07/more.rs"]
mod more;

#[path = "check_ch07/gaming.rs"]
mod gaming;
