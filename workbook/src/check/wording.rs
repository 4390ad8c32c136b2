//! Counts and lists in words, for the checks' messages.

use std::fmt::{Debug, Display};

/// `n` followed by `one` when `n` is 1, by `many` otherwise: "1 job was",
/// "3 jobs were".
pub(crate) fn plural<N: Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let word = if n == N::from(1) { one } else { many };
    format!("{n} {word}")
}

/// A list short enough to read: in full up to 8 items, else its first two,
/// its last, and how many `items` it holds ("[3, 3, …, 2] (256 chunks)").
pub(crate) fn abridged<T: Debug>(list: &[T], items: &str) -> String {
    match list {
        [first, second, .., last] if list.len() > 8 => {
            format!(
                "[{first:?}, {second:?}, …, {last:?}] ({} {items})",
                list.len()
            )
        }
        _ => format!("{list:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural(1u64, "job was", "jobs were"), "1 job was");
        assert_eq!(plural(0u64, "job was", "jobs were"), "0 jobs were");
        assert_eq!(plural(3usize, "throw", "throws"), "3 throws");
    }

    #[test]
    fn a_long_list_is_abridged_and_a_short_one_shown_whole() {
        assert_eq!(abridged(&[1, 2, 3], "chunks"), "[1, 2, 3]");
        let long: Vec<u64> = (1..=9).collect();
        assert_eq!(abridged(&long, "chunks"), "[1, 2, …, 9] (9 chunks)");
    }
}
