//! Tests of `cargo xtask hint`.

use std::fs;
use std::path::PathBuf;

use super::seen::SEEN;
use super::*;
use crate::test_folder;

/// A folder with a copy of the chapters (what `hint` reads), removed when dropped.
struct Root(PathBuf);

impl Root {
    fn new(with_target: bool) -> Self {
        let dir = test_folder::fresh("hint");
        fs::create_dir_all(dir.join("chapters")).unwrap();
        for entry in fs::read_dir(crate::root().join("chapters")).unwrap() {
            let path = entry.unwrap().path();
            fs::copy(&path, dir.join("chapters").join(path.file_name().unwrap())).unwrap();
        }
        if with_target {
            fs::create_dir(dir.join("target")).unwrap();
        }
        Root(dir)
    }

    /// Every path under the folder.
    fn listing(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                }
                out.push(path);
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &mut out);
        out.sort();
        out
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn fib_par_hints(root: &Path) -> Vec<String> {
    let chapters = chapter::read_all(root).unwrap();
    let chapter = chapters
        .iter()
        .find(|c| c.exercises().contains(&"fib_par"))
        .unwrap();
    chapter.hints("fib_par").unwrap().to_vec()
}

#[test]
fn shows_one_hint_at_a_time_then_the_last_again() {
    let root = Root::new(true);
    let hints = fib_par_hints(&root.0);
    let total = hints.len();
    assert!(total >= 2, "fib_par has hints");
    for n in 1..=total {
        let text = next(&root.0, &root.0.join("target"), "fib_par", false)
            .unwrap()
            .text;
        assert!(
            text.starts_with(&format!(
                "Hint {n} of {total} for `fib_par` (07-fibonacci, section “Exercise 2"
            )),
            "{text}"
        );
        assert!(text.contains(&reflow(&hints[n - 1])), "{text}");
        let others = (1..=total).filter(|&k| k != n);
        for k in others {
            assert!(
                !text.contains(&reflow(&hints[k - 1])),
                "only hint {n}: {text}"
            );
        }
        let seen = fs::read_to_string(root.0.join("target").join(SEEN)).unwrap();
        assert!(seen.contains(&format!("\"fib_par\": {n}")), "{seen}");
    }
    let again = next(&root.0, &root.0.join("target"), "fib_par", false)
        .unwrap()
        .text;
    assert!(again.starts_with("You have seen all"), "{again}");
    assert!(again.contains(&reflow(&hints[total - 1])), "{again}");
    // Another exercise starts at its own first hint.
    let other = next(&root.0, &root.0.join("target"), "fib_checked", false)
        .unwrap()
        .text;
    assert!(other.starts_with("Hint 1 of"), "{other}");
}

#[test]
fn all_shows_every_hint_and_counts_them_seen() {
    let root = Root::new(true);
    let hints = fib_par_hints(&root.0);
    let text = next(&root.0, &root.0.join("target"), "fib_par", true)
        .unwrap()
        .text;
    for (i, hint) in hints.iter().enumerate() {
        assert!(text.contains(&format!("Hint {} of", i + 1)), "{text}");
        assert!(text.contains(&reflow(hint)), "{text}");
    }
    let after = next(&root.0, &root.0.join("target"), "fib_par", false)
        .unwrap()
        .text;
    assert!(after.starts_with("You have seen all"), "{after}");
}

#[test]
fn an_unknown_name_suggests_the_closest_and_writes_nothing() {
    let root = Root::new(true);
    let before = root.listing();
    let err = next(&root.0, &root.0.join("target"), "fib_pra", false)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("there is no exercise named `fib_pra`; did you mean `fib_par`"),
        "{err}"
    );
    assert!(!err.contains('\n'), "one line: {err}");
    let far = next(&root.0, &root.0.join("target"), "zzzzzzzz", false)
        .unwrap_err()
        .to_string();
    assert!(far.contains("the exercises are `run_in_threads`"), "{far}");
    assert_eq!(root.listing(), before, "nothing was written");
}

#[test]
fn a_missing_target_folder_is_one_clear_line_and_nothing_is_written() {
    let root = Root::new(false);
    let before = root.listing();
    let err = next(&root.0, &root.0.join("target"), "fib_par", false)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("there is no target folder"), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
    assert_eq!(root.listing(), before, "nothing was written");
}

#[test]
fn closest_names_come_nearest_first() {
    let names = ["fib_par", "fib_checked", "pi_chunked", "fill_chunks"];
    assert_eq!(closest("fib_pra", &names), ["fib_par"]);
    assert_eq!(closest("chunk", &names), ["pi_chunked", "fill_chunks"]);
    assert!(closest("zzzzzzzz", &names).is_empty());
}

#[test]
fn a_hint_is_wrapped_for_the_terminal_with_its_words_and_paragraphs_kept() {
    let source = "Two cases: above it, f(n − 1) and f(n\n− 2) are independent.\n\nA second   paragraph,\nalso kept.";
    let long = format!("{} end", "f(n-2) ".repeat(40));
    let text = reflow(source);
    assert_eq!(
        text,
        "Two cases: above it, f(n − 1) and f(n − 2) are independent.\n\nA second paragraph, also kept."
    );
    let wrapped = reflow(&long);
    assert!(wrapped.lines().count() > 1, "{wrapped}");
    assert!(
        wrapped.lines().all(|l| l.chars().count() <= WIDTH),
        "{wrapped}"
    );
    assert_eq!(wrapped.split_whitespace().count(), 41);
    assert!(
        wrapped
            .lines()
            .all(|l| l.ends_with(')') || l.ends_with("end")),
        "{wrapped}"
    );
}

#[test]
fn concurrent_runs_keep_every_update_and_none_fails() {
    let root = Root::new(true);
    let target = root.0.join("target");
    let chapters = chapter::read_all(&root.0).unwrap();
    let names: Vec<String> = chapters
        .iter()
        .flat_map(|c| c.exercises())
        .map(String::from)
        .collect();
    let runs: Vec<String> = (0..30).map(|i| names[i % names.len()].clone()).collect();
    let results: Vec<Result<Shown>> = std::thread::scope(|s| {
        let handles: Vec<_> = runs
            .iter()
            .map(|name| s.spawn(|| next(&root.0, &target, name, false)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for r in &results {
        match r {
            Ok(shown) => assert_eq!(shown.warning, None),
            Err(e) => panic!("{e:#}"),
        }
    }
    let seen = read_seen(&target).unwrap();
    for name in &names {
        let runs_of = runs.iter().filter(|r| *r == name).count();
        let hints = chapters.iter().find_map(|c| c.hints(name)).unwrap().len();
        assert_eq!(
            seen.get(name).copied().unwrap_or(0),
            runs_of.min(hints),
            "{name}"
        );
    }
}

#[test]
fn a_record_that_cannot_be_read_or_written_still_shows_the_hint_then_warns() {
    let root = Root::new(true);
    let target = root.0.join("target");
    let seen = target.join(SEEN);
    fs::create_dir_all(&seen).unwrap(); // a folder where the file goes
    let shown = next(&root.0, &target, "fib_par", false).unwrap();
    assert!(shown.text.starts_with("Hint 1 of"), "{}", shown.text);
    let warning = shown.warning.unwrap();
    assert!(warning.contains("may show this hint again"), "{warning}");

    fs::remove_dir(&seen).unwrap();
    fs::write(&seen, "not a record").unwrap();
    let shown = next(&root.0, &target, "fib_par", false).unwrap();
    assert!(shown.text.starts_with("Hint 1 of"), "{}", shown.text);
    let warning = shown.warning.unwrap();
    assert!(warning.contains("it was left as it is"), "{warning}");
    assert!(!warning.contains("delete"), "{warning}");
    assert_eq!(fs::read_to_string(&seen).unwrap(), "not a record");
}

#[test]
fn a_long_unknown_name_is_echoed_cut_short() {
    let root = Root::new(true);
    let long = "q".repeat(100_000);
    let err = next(&root.0, &root.0.join("target"), &long, false)
        .unwrap_err()
        .to_string();
    assert!(err.len() < 2_000, "{}", &err[..200]);
    assert!(err.contains(&format!("`{}…`", "q".repeat(60))), "{err}");
}
