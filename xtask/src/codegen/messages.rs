//! What `cargo xtask gen` and `reset` tell an author or a learner,
//! under snapshot tests: a change of wording shows as a diff of the whole
//! text in review. The snapshots are in `snapshots/`; after a deliberate
//! change, `INSTA_UPDATE=always cargo test -p xtask messages` rewrites them
//! (or `cargo insta review`, where cargo-insta is installed).

use std::fs;

use insta::assert_snapshot;

use super::declarations::declared_in;
use super::test_support::{OneChapter, Workspace, learner_works};
use super::{GenMode, gen_telling};

const CHECK: &str = "pub fn add(answer: impl Fn() -> u64) -> Report {\n    todo!()\n}\n";

#[test]
fn declaration_errors() {
    let root = OneChapter::new("Adding up", "pub fn other() {}\n");
    assert_snapshot!("gen_no_check", root.error_of(declared_in(&root.0)));
    fs::write(root.path("workbook/src/check/ch01.rs"), CHECK).unwrap();
    root.write_chapter(&OneChapter::text_under("Adding up").replace("## Adding up\n", ""));
    assert_snapshot!("gen_no_section", root.error_of(declared_in(&root.0)));
}

/// What `gen` in `mode` prints in `ws`, or its error, with the count of
/// unchanged files (which grows with every chapter) left out.
fn gen_says(ws: &Workspace, mode: GenMode) -> String {
    let mut out = Vec::new();
    let told = match gen_telling(&ws.0, &ws.target(), mode, &mut out) {
        Ok(_) => String::from_utf8(out).unwrap(),
        Err(e) => format!("{}error: {e:#}", String::from_utf8(out).unwrap()),
    };
    let unchanged = told.find(" unchanged").map(|end| {
        let start = told[..end].rfind(' ').map_or(0, |s| s + 1);
        start..end
    });
    match unchanged {
        Some(digits) => told.replace(&told[digits.clone()], "[n]"),
        None => told,
    }
}

#[test]
fn gen_with_a_learners_work() {
    let ws = Workspace::copy();
    learner_works(&ws);
    assert_snapshot!("gen_keeps_work", gen_says(&ws, GenMode::Write));
    assert_snapshot!("gen_check_keeps_work", gen_says(&ws, GenMode::Check));
}

#[test]
fn gen_check_on_stale_and_edited_copies() {
    let ws = Workspace::copy();
    ws.change_chapter_01();
    let solved = ws.path("solutions/src/ch07_fibonacci.rs");
    let answer = fs::read_to_string(&solved).unwrap();
    fs::write(&solved, format!("{answer}// an edit by hand\n")).unwrap();
    assert_snapshot!("gen_check_stale", gen_says(&ws, GenMode::Check));
}

#[test]
fn reset_of_an_unknown_exercise() {
    let root = OneChapter::new("Adding up", CHECK);
    let target = root.path("target");
    assert_snapshot!(
        "reset_unknown",
        root.error_of(super::reset(&root.0, &target, "ad"))
    );
}
