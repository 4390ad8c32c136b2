//! The strict grade: passes only when every exercise is done.
//! (`cargo test -p solutions` prints your progress without failing on unfinished ones.)

#[test]
fn every_exercise_is_done() {
    let reports = exercises::reports();
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
