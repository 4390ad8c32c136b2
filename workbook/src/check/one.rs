//! One exercise graded in this process, for programs that give each check a
//! process (and a sandbox) of their own: `cargo xtask class grade` compiles
//! a learner's answers with a `main` that calls [`graded_only`] and prints
//! its [`Graded`] line.

use super::grade::{Select, with_selection};
use super::protocol::Graded;
use super::{Report, exercises};

/// Grades only the exercise `key` (`01-threads/map_in_threads`) of
/// `reports`; the other checks run no answer. `None` when `reports` checks
/// no exercise of that name.
pub fn graded_only(key: &str, reports: fn() -> Vec<Report>) -> Option<Graded> {
    let ex = exercises(reports)
        .into_iter()
        .find(|ex| format!("{}/{}", ex.notebook, ex.name) == key)?;
    with_selection(Select::Only(ex.notebook, ex.name), reports)
        .iter()
        .find(|r| std::ptr::eq(r.exercise, ex))
        .map(Graded::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ch01;
    use crate::check::protocol::Outcome;

    fn reports() -> Vec<Report> {
        vec![
            ch01::run_in_threads(|_| unreachable!("not selected")),
            ch01::map_in_threads(|_, _| todo!()),
        ]
    }

    #[test]
    fn only_the_named_check_runs() {
        let graded = graded_only("01-threads/map_in_threads", reports).unwrap();
        assert_eq!(graded.exercise, "map_in_threads");
        assert_eq!(graded.status, Outcome::NotStarted);
        assert!(graded_only("01-threads/nothing", reports).is_none());
    }
}
