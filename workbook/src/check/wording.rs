//! Counts in words, for the checks' messages.

use std::fmt::Display;

/// `n` followed by `one` when `n` is 1, by `many` otherwise: "1 job was",
/// "3 jobs were".
pub(crate) fn plural<N: Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let word = if n == N::from(1) { one } else { many };
    format!("{n} {word}")
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
}
