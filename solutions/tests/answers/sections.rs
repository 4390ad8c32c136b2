//! Every check sends the learner to a section that exists: its `section` is a
//! `## ` heading of its chapter, and every checked exercise is listed in
//! `workbook::check::EXERCISES`.

use std::path::Path;

use workbook::check::{EXERCISES, exercises};

#[test]
fn every_checks_section_is_a_heading_of_its_chapter() {
    let chapters = Path::new(env!("CARGO_MANIFEST_DIR")).join("../chapters");
    let listed = exercises(solutions::reports);
    assert!(!listed.is_empty());
    let mut missing = Vec::new();
    for ex in listed {
        let source = chapters.join(format!("{}.md", ex.notebook));
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("{}: {e} (the check of `{}`)", source.display(), ex.name));
        let headings: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .map(str::trim)
            .collect();
        if !headings.contains(&ex.section) {
            missing.push(format!(
                "`{}`: “{}” is not a heading of {} (its headings: {headings:?})",
                ex.name,
                ex.section,
                source.display()
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_checked_exercise_is_listed_in_the_workbook() {
    for ex in exercises(solutions::reports) {
        assert!(
            EXERCISES.iter().any(|e| std::ptr::eq(*e, ex)),
            "`{}` has a check but is missing from workbook::check::EXERCISES",
            ex.name
        );
    }
}
