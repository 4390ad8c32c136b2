//! More wrong answers to chapter 07's exercises, each a way a learner could
//! half-understand the section, and right answers written differently from
//! the reference, which must keep passing.

use super::*;

// ch07 fib_checked: more wrong answers, and right ones written differently

fn fib_plain(n: u32) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}

/// Binet's formula in floating point: exact only for small n.
fn binet(n: u32) -> Result<u64, String> {
    if n > 93 {
        return Err(format!("f({n}) does not fit"));
    }
    let phi = (1.0 + 5f64.sqrt()) / 2.0;
    Ok((phi.powi(n as i32) / 5f64.sqrt()).round() as u64)
}

/// Returns f(n - 1): the loop runs once too few times.
fn one_step_short(n: u32) -> Result<u64, String> {
    if n > 93 {
        return Err(format!("f({n}) does not fit"));
    }
    Ok(fib_plain(n.saturating_sub(1)))
}

/// Starts the sequence at 1, 1: f(0) comes back as 1.
fn starts_at_one(n: u32) -> Result<u64, String> {
    if n > 93 {
        return Err(format!("f({n}) does not fit"));
    }
    if n == 0 { Ok(1) } else { Ok(fib_plain(n)) }
}

/// Knows the ends the check used to ask for, and guesses in between.
fn knows_only_the_ends(n: u32) -> Result<u64, String> {
    match n {
        0..=20 | 80..=93 => Ok(fib_plain(n)),
        94.. => Err(format!("f({n}) does not fit")),
        _ => Ok(0),
    }
}

/// Names "n" but not its value.
fn names_n_literally(n: u32) -> Result<u64, String> {
    if n > 93 {
        return Err("f(n) overflows a u64".into());
    }
    Ok(fib_plain(n))
}

#[test]
fn binets_formula_in_floating_point_is_off_for_large_n() {
    assert_wrong(|| ch07::fib_checked(binet), &["came back as", "it is"]);
}

#[test]
fn one_step_short_is_caught() {
    assert_wrong(
        || ch07::fib_checked(one_step_short),
        &["f(0) to f(20)", "f(1) came back as 0; it is 1"],
    );
}

#[test]
fn a_sequence_starting_at_one_is_caught() {
    assert_wrong(
        || ch07::fib_checked(starts_at_one),
        &["f(0) came back as 1; it is 0"],
    );
}

#[test]
fn knowing_only_the_ends_is_caught_in_the_middle() {
    assert_wrong(
        || ch07::fib_checked(knows_only_the_ends),
        &["f(n) for n in", "came back as 0"],
    );
}

#[test]
fn an_error_that_says_n_but_not_its_value_is_caught() {
    assert_wrong(
        || ch07::fib_checked(names_n_literally),
        &["does not say which n", "name 94"],
    );
}

/// Adds in u128, and refuses what is past f(93).
fn in_u128(n: u32) -> Result<u64, String> {
    if n > 93 {
        return Err(format!("f({n}) is past f(93), the largest that fits"));
    }
    let (mut a, mut b) = (0u128, 1u128);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    u64::try_from(a).map_err(|_| format!("f({n}) does not fit"))
}

#[test]
fn u128_and_a_known_limit_are_right_too() {
    let report = ch07::fib_checked(in_u128);
    // The done text names only the values it checked.
    let text = report.to_string();
    assert!(
        text.contains("f(0) to f(20), f(80) to f(93) and f(n) for n in ["),
        "{text}"
    );
    assert_done(report);
}

// ch07 fib_par: more wrong answers, and a right one written differently

type Leaf<'a> = &'a (dyn Fn(u32) -> u64 + Sync);

/// Forgets `.max(2)`: with cutoff 0 it splits f(1) into f(0) and f(-1).
fn no_floor_at_two(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    if n < cutoff {
        return leaf(n);
    }
    let (a, b) = rayon::join(
        || no_floor_at_two(n - 1, cutoff, leaf),
        || no_floor_at_two(n - 2, cutoff, leaf),
    );
    a + b
}

fn split_sequentially(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    if n < cutoff.max(2) {
        leaf(n)
    } else {
        split_sequentially(n - 1, cutoff, leaf) + split_sequentially(n - 2, cutoff, leaf)
    }
}

/// Splits in parallel at the top only; below, sequentially.
fn parallel_at_the_top_only(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    if n < cutoff.max(2) {
        return leaf(n);
    }
    let (a, b) = rayon::join(
        || split_sequentially(n - 1, cutoff, leaf),
        || split_sequentially(n - 2, cutoff, leaf),
    );
    a + b
}

/// Computes the second half without the leaf.
fn second_half_by_itself(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    if n < cutoff.max(2) {
        return leaf(n);
    }
    let (a, b) = rayon::join(
        || second_half_by_itself(n - 1, cutoff, leaf),
        || fib_seq(n - 2),
    );
    a + b
}

/// Remembers each leaf's result: the leaf is called once per distinct n.
fn memoized_leaves(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    let memo = std::sync::Mutex::new(std::collections::HashMap::new());
    let cached = |k: u32| {
        if let Some(&v) = memo.lock().unwrap().get(&k) {
            return v;
        }
        let v = leaf(k);
        memo.lock().unwrap().insert(k, v);
        v
    };
    fn go(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {
        if n < cutoff.max(2) {
            return leaf(n);
        }
        let (a, b) = rayon::join(|| go(n - 1, cutoff, leaf), || go(n - 2, cutoff, leaf));
        a + b
    }
    go(n, cutoff, &cached)
}

/// Splits into f(n - 1) twice.
fn the_same_half_twice(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    if n < cutoff.max(2) {
        return leaf(n);
    }
    let (a, b) = rayon::join(
        || the_same_half_twice(n - 1, cutoff, leaf),
        || the_same_half_twice(n - 1, cutoff, leaf),
    );
    a + b
}

#[test]
fn a_split_without_a_floor_at_two_panics_at_cutoff_zero() {
    assert_wrong(
        || ch07::fib_par(no_floor_at_two),
        &["it panicked", "subtract with overflow"],
    );
}

#[test]
fn a_split_parallel_at_the_top_only_is_caught() {
    assert_wrong(
        || ch07::fib_par(parallel_at_the_top_only),
        &[
            "leaves ran at the same time on 4 threads",
            "not only at the top",
        ],
    );
}

#[test]
fn a_half_computed_without_the_leaf_is_caught() {
    assert_wrong(
        || ch07::fib_par(second_half_by_itself),
        &["the leaf was called"],
    );
}

#[test]
fn memoized_leaves_are_not_every_piece() {
    assert_wrong(
        || ch07::fib_par(memoized_leaves),
        &[
            "the leaf was called 2 times",
            "calls it 233 times",
            "or reuse an earlier result",
        ],
    );
}

/// Hands f(2) to the leaf too: `<=` against a floor of 2.
fn leaf_at_two(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
    if n <= cutoff.max(2) {
        return leaf(n);
    }
    let (a, b) = rayon::join(
        || leaf_at_two(n - 1, cutoff, leaf),
        || leaf_at_two(n - 2, cutoff, leaf),
    );
    a + b
}

#[test]
fn a_leaf_at_two_is_told_the_floor_of_two() {
    assert_wrong(
        || ch07::fib_par(leaf_at_two),
        &[
            "n = 12, cutoff 0",
            "n = 2, which is not below the cutoff 0 (nor below 2)",
        ],
    );
}

#[test]
fn the_same_half_twice_gives_a_wrong_value() {
    assert_wrong(
        || ch07::fib_par(the_same_half_twice),
        &["returned", "f(12) is 144"],
    );
}

#[test]
fn a_split_written_with_match_is_right_too() {
    fn split(n: u32, cutoff: u32, leaf: Leaf) -> u64 {
        match n {
            n if n < 2 || n < cutoff => leaf(n),
            n => {
                let (x, y) =
                    rayon::join(|| split(n - 2, cutoff, leaf), || split(n - 1, cutoff, leaf));
                y + x
            }
        }
    }
    assert_done(ch07::fib_par(split));
}
