//! What `cargo xtask hint` tells a learner, under snapshot tests (in
//! `snapshots/`; `INSTA_UPDATE=always cargo test -p xtask messages` rewrites
//! them after a deliberate change).

use std::fs;

use insta::assert_snapshot;

use crate::codegen::test_support::OneChapter;

const CHECK: &str = "pub fn add(answer: impl Fn() -> u64) -> Report {\n    todo!()\n}\n";

/// What `cargo xtask hint add` (with `--all` when `all`) prints.
fn hint(root: &OneChapter, all: bool) -> String {
    super::next(&root.0, &root.path("target"), "add", all)
        .unwrap()
        .text
}

#[test]
fn hints_one_at_a_time() {
    let root = OneChapter::new("Adding up", CHECK);
    assert_snapshot!("hint_first", hint(&root, false));
    assert_snapshot!("hint_last", hint(&root, false));
    assert_snapshot!("hint_seen_all", hint(&root, false));
    assert_snapshot!("hint_all", hint(&root, true));
}

#[test]
fn hint_refusals() {
    let root = OneChapter::new("Adding up", CHECK);
    let target = root.path("target");
    let next = |name| super::next(&root.0, &target, name, false);
    assert_snapshot!("hint_unknown_close", root.error_of(next("ad")));
    assert_snapshot!("hint_unknown_far", root.error_of(next("zzzzzzzz")));
    fs::remove_dir(&target).unwrap();
    assert_snapshot!("hint_no_target", root.error_of(next("add")));
    let no_hints = OneChapter::text_under("Adding up");
    let no_hints = &no_hints[..no_hints.find("> **Hint").unwrap()];
    root.write_chapter(no_hints);
    assert_snapshot!("hint_none_written", root.error_of(next("add")));
}

#[test]
fn changing_a_heading_changes_the_section_the_hint_names() {
    let root = OneChapter::new("Adding up", CHECK);
    assert!(hint(&root, true).contains("(01-test, section “Adding up”)"));
    root.write_chapter(&OneChapter::text_under("Sums"));
    let hint = hint(&root, true);
    assert!(hint.contains("(01-test, section “Sums”)"), "{hint}");
}
