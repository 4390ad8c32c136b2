//! Helpers shared by the tests of the checks (`check_chNN.rs` in this folder): each feeds a
//! check plausible wrong answers and asserts the verdict and its words.

mod stress;

use workbook::check::Report;

/// Grades a wrong answer with `check` and asserts that the verdict is wrong,
/// with a message that mentions every one of `words`, sends the learner back
/// to the exercise's notebook section, and ends by pointing at its hints.
/// In the stress mode ([`workbook::check::protocol::STRESS_RUNS_ENV`]), it grades it that many times
/// under load, and says on which run a verdict changed.
///
/// # Panics
/// When any of that is not so, with the report's text.
pub fn assert_wrong(check: impl Fn() -> Report, words: &[&str]) {
    let runs = stress::runs();
    for run in 1..=runs {
        let report = check();
        let at = match run {
            1 if runs == 1 => String::new(),
            1 => format!(" (run 1 of {runs})"),
            _ => format!(" (run {run} of {runs}: it changed since run 1)"),
        };
        assert_wrong_once(report, words, &at);
    }
}

fn assert_wrong_once(report: Report, words: &[&str], at: &str) {
    assert!(
        report.is_wrong(),
        "expected a wrong verdict{at}, got: {report}"
    );
    let text = report.to_string();
    for w in words {
        assert!(
            text.contains(w),
            "the message should mention {w:?}{at}:\n{text}"
        );
    }
    let revisit = format!("Revisit {}.ipynb, section", report.exercise.notebook);
    assert!(
        text.contains(&revisit),
        "the message should name the notebook section{at}:\n{text}"
    );
    let stuck = format!("`cargo xtask hint {}`.", report.exercise.name);
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.contains("Stuck? Open hint 1") && l.ends_with(&stuck)),
        "the message should end by pointing at the hints{at}:\n{text}"
    );
}

/// Asserts that `report` is a `✓`: a right answer, written another way.
///
/// # Panics
/// When it is not, with the report's text.
pub fn assert_done(report: Report) {
    assert!(report.is_done(), "a right answer must pass, got: {report}");
}
