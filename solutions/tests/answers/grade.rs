//! Grades the reference answers (all must pass) and the learner's
//! `exercises` crate (a summary; a wrong answer fails, an untouched one does not).
//! The learner's answers are graded each in a process of its own, so that
//! one that ends the process cannot end the grade with it.

use std::io::Write;

use workbook::check::{isolated, summary};

#[test]
fn every_reference_answer_passes_its_check() {
    let reports = solutions::reports();
    assert!(!reports.is_empty(), "the workbook has exercises");
    let failing: Vec<String> = reports
        .iter()
        .filter(|r| !r.is_done())
        .map(|r| r.to_string())
        .collect();
    assert!(failing.is_empty(), "{}", failing.join("\n"));
}

#[test]
fn your_exercises_have_no_wrong_answer() {
    let reports = isolated(
        "grade::your_exercises_have_no_wrong_answer",
        exercises::reports,
    );
    // Written straight to stderr, past the test harness's capture, so the
    // learner sees their progress even when everything passes.
    let _ = writeln!(
        std::io::stderr(),
        "\nYour exercises (crate `exercises`): {}",
        summary(&reports)
    );
    let wrong: Vec<String> = reports
        .iter()
        .filter(|r| r.is_wrong())
        .map(|r| r.to_string())
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of your exercises give a wrong answer:\n\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
}
