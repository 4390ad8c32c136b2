//! The strict grade: passes only when every exercise is done.
//! (`cargo test -p solutions` prints your progress without failing on unfinished ones.)
//! Each exercise is graded in a process of its own: an answer that ends the
//! process (`std::process::exit`) counts as wrong instead of ending the grade.

#[test]
fn every_exercise_is_done() {
    let reports = workbook::check::isolated("every_exercise_is_done", exercises::reports);
    let unfinished: Vec<String> = reports
        .iter()
        .filter(|r| !r.is_done())
        .map(|r| r.to_string())
        .collect();
    assert!(
        unfinished.is_empty(),
        "{} of {} exercises are not done yet:\n\n{}",
        unfinished.len(),
        reports.len(),
        unfinished.join("\n\n")
    );
}
