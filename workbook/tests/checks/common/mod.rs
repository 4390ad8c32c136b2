//! Helpers shared by the tests of the checks (`check_chNN.rs` in this folder): each feeds a
//! check plausible wrong answers and asserts the verdict and its words.

use workbook::check::Report;

/// Asserts that `report` is a wrong verdict whose message mentions every one
/// of `words`, sends the learner back to the exercise's notebook section, and
/// ends by pointing at its hints.
///
/// # Panics
/// When any of that is not so, with the report's text.
pub fn assert_wrong(report: Report, words: &[&str]) {
    assert!(report.is_wrong(), "expected a wrong verdict, got: {report}");
    let text = report.to_string();
    for w in words {
        assert!(
            text.contains(w),
            "the message should mention {w:?}:\n{text}"
        );
    }
    let revisit = format!("Revisit {}.ipynb, section", report.exercise.notebook);
    assert!(
        text.contains(&revisit),
        "the message should name the notebook section:\n{text}"
    );
    let stuck = format!("`cargo xtask hint {}`.", report.exercise.name);
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.contains("Stuck? Open hint 1") && l.ends_with(&stuck)),
        "the message should end by pointing at the hints:\n{text}"
    );
}

/// Asserts that `report` is a `✓`: a right answer, written another way.
///
/// # Panics
/// When it is not, with the report's text.
pub fn assert_done(report: Report) {
    assert!(report.is_done(), "a right answer must pass, got: {report}");
}
