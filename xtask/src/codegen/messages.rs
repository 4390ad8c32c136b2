//! What `cargo xtask gen`, `reset` and `hint` tell an author or a learner,
//! under snapshot tests: a change of wording shows as a diff of the whole
//! text in review. The snapshots are in `snapshots/`; after a deliberate
//! change, `INSTA_UPDATE=always cargo test -p xtask messages` rewrites them
//! (or `cargo insta review`, where cargo-insta is installed).

use std::fs;

use insta::assert_snapshot;

use super::test_support::{OneChapter, Workspace, learner_works};
use super::{GenMode, gen_telling};

const CHECK: &str = "pub fn add(answer: impl Fn() -> u64) -> Report {\n    todo!()\n}\n";

/// An error's text, with the test's own folder replaced by `[root]`.
fn error_of<T>(root: &OneChapter, result: anyhow::Result<T>) -> String {
    let Err(e) = result else {
        panic!("an error was expected");
    };
    format!("{e:#}").replace(&root.0.display().to_string(), "[root]")
}

#[test]
fn hints_one_at_a_time() {
    let root = OneChapter::new("Adding up", CHECK);
    assert_snapshot!("hint_first", root.hint(false));
    assert_snapshot!("hint_last", root.hint(false));
    assert_snapshot!("hint_seen_all", root.hint(false));
    assert_snapshot!("hint_all", root.hint(true));
}

#[test]
fn hint_refusals() {
    let root = OneChapter::new("Adding up", CHECK);
    let target = root.path("target");
    let next = |name| crate::hint::next(&root.0, &target, name, false);
    assert_snapshot!("hint_unknown_close", error_of(&root, next("ad")));
    assert_snapshot!("hint_unknown_far", error_of(&root, next("zzzzzzzz")));
    fs::remove_dir(&target).unwrap();
    assert_snapshot!("hint_no_target", error_of(&root, next("add")));
    let no_hints = OneChapter::text_under("Adding up");
    let no_hints = &no_hints[..no_hints.find("> **Hint").unwrap()];
    root.write_chapter(no_hints);
    assert_snapshot!("hint_none_written", error_of(&root, next("add")));
}

#[test]
fn declaration_errors() {
    let root = OneChapter::new("Adding up", "pub fn other() {}\n");
    assert_snapshot!("gen_no_check", error_of(&root, root.declared()));
    fs::write(root.path("workbook/src/check/ch01.rs"), CHECK).unwrap();
    root.write_chapter(&OneChapter::text_under("Adding up").replace("## Adding up\n", ""));
    assert_snapshot!("gen_no_section", error_of(&root, root.declared()));
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
        error_of(&root, super::reset(&root.0, &target, "ad"))
    );
}
