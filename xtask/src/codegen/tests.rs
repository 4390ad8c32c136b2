//! The generator against a copy of the repository's chapters and generated
//! files, in a temporary folder: a learner's work is never lost.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::test_support::fresh_dir;
use super::*;

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

/// A copy of what the generator reads and writes, removed when dropped.
struct Workspace(PathBuf);

impl Workspace {
    fn copy() -> Self {
        let dir = fresh_dir("codegen");
        let root = crate::root();
        for part in [
            "chapters",
            "notebooks",
            "exercises",
            "solutions",
            "workbook/src/check",
        ] {
            copy_dir(&root.join(part), &dir.join(part));
        }
        for file in ["Cargo.toml", learner::MANIFEST] {
            fs::create_dir_all(dir.join(file).parent().unwrap()).unwrap();
            fs::copy(root.join(file), dir.join(file)).unwrap();
        }
        Workspace(dir)
    }

    /// Its cargo target folder, where backups go.
    fn target(&self) -> PathBuf {
        self.path("target")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.path(rel)).unwrap()
    }

    /// Every file's bytes, by path.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        for part in ["chapters", "notebooks", "exercises", "solutions"] {
            collect(&self.0, &self.path(part), &mut files);
        }
        files
    }

    /// The only backup folder, holding `rel`'s old bytes.
    fn backup_of(&self, rel: &str) -> Vec<u8> {
        let dirs: Vec<_> = fs::read_dir(self.target().join("backups"))
            .unwrap()
            .collect();
        assert_eq!(dirs.len(), 1, "one backup folder per command");
        fs::read(dirs[0].as_ref().unwrap().path().join(rel)).unwrap()
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if entry.file_type().unwrap().is_dir() {
            if name != "target" {
                copy_dir(&entry.path(), &to.join(name));
            }
        } else {
            fs::copy(entry.path(), to.join(name)).unwrap();
        }
    }
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            files.insert(rel, fs::read(&path).unwrap());
        }
    }
}

const EXERCISE: &str = "exercises/src/ch01_threads.rs";
const NOTEBOOK: &str = "notebooks/01-threads.ipynb";
const ANSWER: &str = "/* my answer */ unimplemented!()";

/// Writes an answer into chapter 01's first exercise, and runs and edits a
/// cell of its student notebook, as a learner would.
fn learner_works(ws: &Workspace) {
    let stub = String::from_utf8(ws.read(EXERCISE)).unwrap();
    assert!(stub.contains("todo!()"));
    fs::write(ws.path(EXERCISE), stub.replacen("todo!()", ANSWER, 1)).unwrap();

    let mut nb: Value = serde_json::from_slice(&ws.read(NOTEBOOK)).unwrap();
    let cell = &mut nb["cells"][1];
    cell["source"] = json!(["My own notes.\n"]);
    nb["cells"][0]["outputs"] =
        json!([{"name": "stdout", "output_type": "stream", "text": ["hi\n"]}]);
    fs::write(ws.path(NOTEBOOK), notebook::to_json(&nb)).unwrap();
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
fn reset_brings_back_one_stub_and_keeps_the_other_answers() {
    let ws = Workspace::copy();
    let chapters = chapter::read_all(&ws.0).unwrap();
    let two = chapters.iter().find(|c| c.exercises().len() >= 2).unwrap();
    let (first, second) = (two.exercises()[0], two.exercises()[1]);
    let file = format!("exercises/src/{}.rs", two.module());
    let stub = String::from_utf8(ws.read(&file)).unwrap();
    assert_eq!(stub.matches("todo!()").count(), two.exercises().len());
    let answered = stub.replace("todo!()", ANSWER);
    fs::write(ws.path(&file), &answered).unwrap();

    reset(&ws.0, &ws.target(), first).unwrap();
    let after = String::from_utf8(ws.read(&file)).unwrap();
    assert_eq!(after.matches(ANSWER).count(), two.exercises().len() - 1);
    let stub_of = |source: &str, name: &str| {
        let span = learner::fn_span(source, name).unwrap().unwrap();
        source[span].to_string()
    };
    assert_eq!(stub_of(&after, first), stub_of(&stub, first));
    assert!(stub_of(&after, second).contains(ANSWER));
    assert_eq!(ws.backup_of(&file), answered.as_bytes());

    let typo = format!("{}x", &first[..first.len() - 1]);
    let unknown = format!("{:#}", reset(&ws.0, &ws.target(), &typo).unwrap_err());
    assert!(
        unknown.contains(&format!("did you mean `{first}`?")),
        "{unknown}"
    );
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
    let runs = ws.path("target/notebook-runs");
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
    let chapter = ws.path("chapters/01-threads.md");
    let text = fs::read_to_string(&chapter).unwrap();
    fs::write(&chapter, text.replacen("thread", "thread (edited)", 1)).unwrap();

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
    let chapter = ws.path("chapters/01-threads.md");
    let text = fs::read_to_string(&chapter).unwrap();
    fs::write(&chapter, text.replacen("thread", "thread (edited)", 1)).unwrap();

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

const WITH_HINTS: &str = "## Exercise 1: add\n\nWrite it.\n\n```rust exercise=f\n\
                          pub fn f() -> u64 {\n    // BEGIN SOLUTION\n    40 + 2\n    // END SOLUTION\n}\n```\n\n\
                          > **Hint 1.** Start from\n> `40`.\n\n> **Hint 2.** Add *two*.\n\nAfter.\n";

/// `text` parsed as chapter `01-test`, under a title and a minutes line.
pub(super) fn chapter_of(text: &str) -> anyhow::Result<chapter::Chapter> {
    let dir = fresh_dir("hints");
    let path = dir.join("01-test.md");
    // Every chapter opens with its title and its time.
    let exercises = if text.contains("exercise=") { 5 } else { 0 };
    let heading = format!("# 01 · Test\n<!-- minutes: reading=5 exercises={exercises} -->\n\n");
    fs::write(&path, format!("{heading}{text}")).unwrap();
    let parsed = chapter::parse(&path);
    let _ = fs::remove_dir_all(&dir);
    parsed
}

#[test]
fn hints_after_an_exercise_belong_to_it_and_leave_the_prose() {
    let c = chapter_of(WITH_HINTS).unwrap();
    assert_eq!(
        hints_of(&c, "f"),
        ["Start from\n`40`.", "Add *two*."],
        "each hint's text, without `> ` and its marker"
    );
    let prose: Vec<&str> = c
        .cells
        .iter()
        .filter_map(|cell| match cell {
            chapter::Cell::Markdown { text, .. } => Some(text.as_str()),
            chapter::Cell::Code { .. } => None,
        })
        .collect();
    assert_eq!(prose.len(), 2, "{prose:?}");
    assert!(
        prose[0].starts_with("# 01 · Test\n")
            && prose[0].ends_with("## Exercise 1: add\n\nWrite it.")
    );
    assert_eq!(prose[1], "After.");
    // An ordinary quote stays prose.
    let quoted = chapter_of(&WITH_HINTS.replace("After.", "> A quote.")).unwrap();
    assert_eq!(hints_of(&quoted, "f").len(), 2);
    assert!(
        matches!(quoted.cells.last(), Some(chapter::Cell::Markdown { text, .. }) if text == "> A quote.")
    );
}

#[test]
fn hint_cells_follow_the_check_folded_in_both_notebooks() {
    let c = chapter_of(WITH_HINTS).unwrap();
    let deps = toml::Table::new();
    for copy in [ChapterCopy::Student, ChapterCopy::Solved] {
        let nb = notebook::notebook(&deps, &c, copy).unwrap();
        let cells = nb["cells"].as_array().unwrap();
        let check = cells
            .iter()
            .position(|cell| notebook_text(cell) == "workbook::check::ch01::f(f)")
            .expect("a check cell");
        let hint = &cells[check + 1];
        assert_eq!(hint["cell_type"], "markdown");
        assert_eq!(hint["metadata"]["tags"], json!(["hint"]));
        assert_eq!(
            notebook_text(hint),
            "<details><summary>Hint 1</summary>\n\nStart from\n`40`.\n\n</details>"
        );
        assert!(notebook_text(&cells[check + 2]).starts_with("<details><summary>Hint 2</summary>"));
        assert_eq!(notebook_text(&cells[check + 3]), "After.");
    }
}

#[test]
fn prose_after_a_solved_only_line_reaches_only_the_solved_notebook() {
    let c = chapter_of(
        "Intro.\n\n```rust solved-only\nlet t = 1;\n```\n\n<!-- solved-only -->\nIt printed 1.\n\n\
         <!-- cell -->\n## Next\n\nOn.\n",
    )
    .unwrap();
    let deps = toml::Table::new();
    let markdown = |copy| -> Vec<String> {
        let nb = notebook::notebook(&deps, &c, copy).unwrap();
        let cells = nb["cells"].as_array().unwrap().iter();
        cells
            .filter(|cell| cell["cell_type"] == "markdown")
            .map(notebook_text)
            .skip(1) // the title
            .collect()
    };
    assert_eq!(markdown(ChapterCopy::Student), ["## Next\n\nOn."]);
    assert_eq!(
        markdown(ChapterCopy::Solved),
        ["It printed 1.", "## Next\n\nOn."]
    );

    let empty = chapter_of("Text.\n\n<!-- solved-only -->\n\n```rust\nlet t = 1;\n```\n")
        .err()
        .unwrap();
    let text = format!("{empty:#}");
    assert!(
        text.contains("line 6: `<!-- solved-only -->` marks the prose after it, but none follows"),
        "{text}"
    );
}

/// The hints of exercise `name`.
fn hints_of<'a>(c: &'a chapter::Chapter, name: &str) -> &'a [String] {
    c.cells
        .iter()
        .find_map(|cell| match cell {
            chapter::Cell::Code {
                exercise: Some(e),
                hints,
                ..
            } if e == name => Some(hints.as_slice()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no exercise `{name}`"))
}

fn notebook_text(cell: &Value) -> String {
    cell["source"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn a_hint_away_from_its_exercise_is_an_error_naming_the_line() {
    let stray = chapter_of("Text.\n\n> **Hint 1.** Lost.\n").err().unwrap();
    let text = format!("{stray:#}");
    assert!(text.contains("01-test.md: line 6: a hint"), "{text}");
    assert!(text.contains("right after its exercise"), "{text}");

    let after_prose = WITH_HINTS.replace("\n\n> **Hint 2.**", "\n\nMore words.\n\n> **Hint 2.**");
    let text = format!("{:#}", chapter_of(&after_prose).err().unwrap());
    assert!(text.contains("line 21: a hint"), "{text}");

    let misnumbered = WITH_HINTS.replace("**Hint 2.**", "**Hint 3.**");
    let text = format!("{:#}", chapter_of(&misnumbered).err().unwrap());
    assert!(text.contains("line 19: expected `**Hint 2.**`"), "{text}");
}

#[test]
fn every_exercise_has_two_or_three_hints() {
    let chapters = chapter::read_all(&crate::root()).unwrap();
    let mut count = 0;
    for c in &chapters {
        for name in c.exercises() {
            let hints = hints_of(c, name);
            assert!(
                (2..=3).contains(&hints.len()),
                "chapters/{}.md: `{name}` has {} hints; write 2 or 3, from a nudge to nearly the answer",
                c.stem,
                hints.len()
            );
            count += 1;
        }
    }
    assert!(count >= 20, "only {count} exercises found");
}

#[test]
fn the_readme_chapter_table_shows_each_chapters_time() {
    let readme = fs::read_to_string(crate::root().join("README.md")).unwrap();
    let rows: BTreeMap<String, String> = readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
            let [_, notebook, time] = cells[..] else {
                return None;
            };
            let stem = notebook.trim().strip_prefix('`')?.strip_suffix(".ipynb`")?;
            chapter::chapter_number(stem)?;
            Some((stem.to_string(), time.trim().to_string()))
        })
        .collect();
    let chapters = chapter::read_all(&crate::root()).unwrap();
    let expected: BTreeMap<String, String> = chapters
        .iter()
        .map(|c| (c.stem.clone(), format!("{} min", c.minutes.total())))
        .collect();
    assert_eq!(
        rows, expected,
        "README.md's chapter table: one row per chapter, its time the sum of the chapter's minutes line"
    );
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

const FIB: &str = "exercises/src/ch07_fibonacci.rs";

#[test]
fn reset_stops_at_the_end_of_its_function_however_it_is_written() {
    let ws = Workspace::copy();
    let stub = String::from_utf8(ws.read(FIB)).unwrap();
    let answer = "pub fn fib_checked(n: u32) -> Result<u64, String> {\n    \
                  let s = \"}\"; // a } in a string\n    let (mut a, mut b) = (0u64, 1u64);\n    \
                  for _ in 0..n { (a, b) = (b, a + b) }\n    Ok(b) }";
    let par = "pub fn fib_par(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {\n    \
               leaf(n) // mine\n} // end";
    let answered = stub
        .replacen(
            "pub fn fib_checked(n: u32) -> Result<u64, String> {\n    todo!()\n}",
            answer,
            1,
        )
        .replacen(
            "pub fn fib_par(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {\n    todo!()\n}",
            par,
            1,
        );
    assert!(answered.contains(answer) && answered.contains(par));
    fs::write(ws.path(FIB), &answered).unwrap();

    reset(&ws.0, &ws.target(), "fib_checked").unwrap();
    let after = String::from_utf8(ws.read(FIB)).unwrap();
    assert!(after.contains(par), "fib_par's answer is kept:\n{after}");
    assert!(
        !after.contains("Ok(b)"),
        "fib_checked is the stub:\n{after}"
    );
    assert_eq!(after, stub.replacen(
        "pub fn fib_par(n: u32, cutoff: u32, leaf: &(dyn Fn(u32) -> u64 + Sync)) -> u64 {\n    todo!()\n}",
        par,
        1,
    ));
}

#[test]
fn reset_of_a_crlf_file_changes_only_the_function() {
    let ws = Workspace::copy();
    let stub = String::from_utf8(ws.read(FIB)).unwrap();
    let crlf = stub.replace('\n', "\r\n");
    fs::write(ws.path(FIB), &crlf).unwrap();
    reset(&ws.0, &ws.target(), "fib_checked").unwrap();
    assert_eq!(
        ws.read(FIB),
        crlf.as_bytes(),
        "a stub already: nothing to do"
    );
    assert!(
        !ws.target().join("backups").exists(),
        "no backup of an unchanged file"
    );

    let answered = crlf.replacen("todo!()", "mine()", 1);
    fs::write(ws.path(FIB), &answered).unwrap();
    reset(&ws.0, &ws.target(), "fib_checked").unwrap();
    assert_eq!(
        ws.read(FIB),
        crlf.as_bytes(),
        "the stub, in the file's line endings"
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
