//! The generator against a copy of the repository's chapters and generated
//! files, in a temporary folder: a learner's work is never lost.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use super::test_support::{EXERCISE, NOTEBOOK, Workspace, learner_works};
use super::*;

mod format;
mod reset;

#[test]
fn generated_files_are_fresh() {
    // Fails on stale copies; a learner's answers in exercises/ pass.
    let root = crate::root();
    r#gen(&root, &crate::target_dir(&root), GenMode::Check).unwrap();
}

#[test]
fn student_copy_replaces_the_solution_with_todo() {
    let source = "pub fn f() -> u64 {\n    // BEGIN SOLUTION\n    40 + 2\n    // END SOLUTION\n}";
    assert_eq!(
        chapter::exercise_code(source, ChapterCopy::Student),
        "pub fn f() -> u64 {\n    todo!()\n}"
    );
    assert_eq!(
        chapter::exercise_code(source, ChapterCopy::Solved),
        "pub fn f() -> u64 {\n    40 + 2\n}"
    );
}

#[test]
fn gen_keeps_a_learners_work_and_force_backs_it_up() {
    let ws = Workspace::copy();
    let stubs = (ws.read(EXERCISE), ws.read(NOTEBOOK));
    learner_works(&ws);
    let before = ws.snapshot();

    let kept = r#gen(&ws.0, &ws.target(), GenMode::Write).unwrap();
    assert_eq!(kept, [NOTEBOOK, EXERCISE]);
    assert_eq!(ws.snapshot(), before, "gen changed no file");
    // A learner's answers are not staleness: the check passes.
    r#gen(&ws.0, &ws.target(), GenMode::Check).unwrap();
    assert_eq!(ws.snapshot(), before, "gen --check changed no file");

    r#gen(&ws.0, &ws.target(), GenMode::Force).unwrap();
    assert_eq!((ws.read(EXERCISE), ws.read(NOTEBOOK)), stubs);
    assert_eq!(ws.backup_of(EXERCISE), before[Path::new(EXERCISE)]);
    assert_eq!(ws.backup_of(NOTEBOOK), before[Path::new(NOTEBOOK)]);
}

#[test]
fn saving_a_solved_notebook_writes_only_that_notebook() {
    let ws = Workspace::copy();
    learner_works(&ws);
    let solved = "notebooks/01-threads-solved.ipynb";
    let mut executed: Value = serde_json::from_slice(&ws.read(solved)).unwrap();
    executed["cells"][0]["outputs"] =
        json!([{"name": "stdout", "output_type": "stream", "text": ["ran again\n"]}]);
    // Laid out as another writer would (two-space indent).
    let runs = crate::output_dir(&ws.0, "notebook-runs");
    fs::create_dir_all(&runs).unwrap();
    let run = runs.join("01-threads-solved.ipynb");
    fs::write(&run, serde_json::to_string_pretty(&executed).unwrap()).unwrap();
    let mut expected = ws.snapshot();

    save_notebook(&ws.0, &run).unwrap();
    expected.insert(solved.into(), notebook::to_json(&executed).into_bytes());
    assert_eq!(
        ws.snapshot(),
        expected,
        "only the solved notebook changed, in gen's layout"
    );

    let student = ws.path(NOTEBOOK);
    let refused = format!("{:#}", save_notebook(&ws.0, &student).unwrap_err());
    assert!(refused.contains("only a solved notebook"), "{refused}");
}

#[test]
fn a_changed_chapter_is_told_apart_from_a_learners_work() {
    let ws = Workspace::copy();
    r#gen(&ws.0, &ws.target(), GenMode::Write).unwrap(); // records what it generated
    learner_works(&ws);
    ws.change_chapter_01();

    let stale = format!(
        "{:#}",
        r#gen(&ws.0, &ws.target(), GenMode::Check).unwrap_err()
    );
    assert!(
        stale.contains("chapters/ changed since they were generated"),
        "{stale}"
    );
    assert!(
        stale.contains("notebooks/01-threads-solved.ipynb"),
        "{stale}"
    );
    assert!(
        !stale.contains(NOTEBOOK) && !stale.contains(EXERCISE),
        "{stale}"
    );

    let before = (ws.read(EXERCISE), ws.read(NOTEBOOK));
    let kept = r#gen(&ws.0, &ws.target(), GenMode::Write).unwrap();
    assert_eq!(kept, [NOTEBOOK, EXERCISE]);
    assert_eq!((ws.read(EXERCISE), ws.read(NOTEBOOK)), before);
    let solved = String::from_utf8(ws.read("notebooks/01-threads-solved.ipynb")).unwrap();
    assert!(
        solved.contains("thread (edited)"),
        "the stale copy was rewritten"
    );
}

#[test]
fn a_stale_copy_is_known_by_its_hash_on_a_fresh_clone() {
    // A chapter changed without regenerating, as a fresh clone or CI sees
    // it: nothing in target/, only the committed hashes.
    let ws = Workspace::copy();
    ws.change_chapter_01();

    let stale = format!(
        "{:#}",
        r#gen(&ws.0, &ws.target(), GenMode::Check).unwrap_err()
    );
    assert!(stale.contains("chapters/ changed"), "{stale}");
    assert!(stale.contains(NOTEBOOK), "{stale}");
    let kept = r#gen(&ws.0, &ws.target(), GenMode::Write).unwrap();
    assert!(kept.is_empty(), "{kept:?}");
    assert!(
        !ws.target().join("backups").exists(),
        "gen's own copies need no backup"
    );
    r#gen(&ws.0, &ws.target(), GenMode::Check).unwrap();
}

#[test]
fn crlf_line_endings_are_not_a_change() {
    let ws = Workspace::copy();
    for rel in [EXERCISE, NOTEBOOK] {
        let text = String::from_utf8(ws.read(rel)).unwrap();
        fs::write(ws.path(rel), text.replace('\n', "\r\n")).unwrap();
    }
    let before = ws.snapshot();
    r#gen(&ws.0, &ws.target(), GenMode::Check).unwrap();
    let kept = r#gen(&ws.0, &ws.target(), GenMode::Write).unwrap();
    assert!(kept.is_empty(), "{kept:?}");
    assert_eq!(
        ws.snapshot(),
        before,
        "nothing rewritten for its line endings"
    );
}

#[test]
fn an_unusable_backups_folder_is_named_and_nothing_is_replaced() {
    let ws = Workspace::copy();
    learner_works(&ws);
    fs::create_dir_all(ws.target()).unwrap();
    fs::write(ws.target().join("backups"), "a file in the way").unwrap();
    let before = ws.snapshot();
    let err = format!(
        "{:#}",
        r#gen(&ws.0, &ws.target(), GenMode::Force).unwrap_err()
    );
    assert!(err.contains("cannot make a folder for backups in"), "{err}");
    assert!(err.contains("nothing was replaced without a copy"), "{err}");
    assert_eq!(ws.snapshot(), before);
}

#[test]
fn a_chapter_without_its_minutes_line_is_an_error_naming_it() {
    let ws = Workspace::copy();
    let path = ws.path("chapters/01-threads.md");
    let text = fs::read_to_string(&path).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("<!-- minutes:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(without, text);
    fs::write(&path, without).unwrap();
    let err = format!(
        "{:#}",
        r#gen(&ws.0, &ws.target(), GenMode::Check).unwrap_err()
    );
    assert!(
        err.contains("01-threads.md") && err.contains("<!-- minutes: reading=N exercises=M -->"),
        "{err}"
    );
    fs::write(&path, text.replace("exercises=25", "exercises=0")).unwrap();
    let err = format!(
        "{:#}",
        r#gen(&ws.0, &ws.target(), GenMode::Check).unwrap_err()
    );
    assert!(
        err.contains("01-threads.md") && err.contains("has 2 exercise(s)"),
        "{err}"
    );
}

/// Runs git in the workspace copy, as a learner would.
fn git(ws: &Workspace, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(["-c", "commit.gpgsign=false", "-C"])
        .arg(&ws.0)
        .args(args)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn answers_committed_to_git_are_kept_as_a_learners_work() {
    let ws = Workspace::copy();
    git(&ws, &["init", "-q"]);
    git(&ws, &["add", "."]);
    git(&ws, &["commit", "-q", "-m", "the workbook"]);
    learner_works(&ws);
    git(&ws, &["commit", "-q", "-am", "my answers"]);
    let before = ws.snapshot();

    let kept = r#gen(&ws.0, &ws.target(), GenMode::Write).unwrap();
    assert_eq!(kept, [NOTEBOOK, EXERCISE]);
    assert_eq!(ws.snapshot(), before, "gen kept the committed answers");
    r#gen(&ws.0, &ws.target(), GenMode::Check).unwrap();
}

#[test]
fn an_edited_solved_notebook_is_backed_up_and_not_called_stale() {
    let ws = Workspace::copy();
    let solved = "notebooks/01-threads-solved.ipynb";
    let mut nb: Value = serde_json::from_slice(&ws.read(solved)).unwrap();
    nb["cells"][1]["source"] = json!(["An edit by hand.\n"]);
    fs::write(ws.path(solved), notebook::to_json(&nb)).unwrap();
    let edited = ws.read(solved);

    let err = format!(
        "{:#}",
        r#gen(&ws.0, &ws.target(), GenMode::Check).unwrap_err()
    );
    assert!(err.contains(solved), "{err}");
    assert!(!err.contains("chapters/ changed"), "{err}");
    r#gen(&ws.0, &ws.target(), GenMode::Write).unwrap();
    assert_ne!(ws.read(solved), edited, "regenerated");
    assert_eq!(ws.backup_of(solved), edited);
}
