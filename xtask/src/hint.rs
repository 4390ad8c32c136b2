//! `cargo xtask hint NAME [--all]`: an exercise's hints, one at a time, as
//! written under its cell in `chapters/NN-slug.md`. What was shown is
//! remembered in `hints/seen.json` in cargo's target folder (`target/`, or
//! `CARGO_TARGET_DIR`), the only file this writes (with `hints/seen.lock`,
//! which lets runs started together take turns, so none loses another's update).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::codegen::chapter::{self, Chapter};

/// Relative to cargo's target folder: how many hints of each exercise were shown.
const SEEN: &str = "hints/seen.json";
/// Held locked while a run reads and rewrites [`SEEN`].
const LOCK: &str = "hints/seen.lock";

/// Prints the next hint of exercise `name` not yet shown (every hint with
/// `all`), and remembers it; when it cannot, the hint comes first, then a warning.
pub fn run(root: &Path, name: &str, all: bool) -> Result<()> {
    let shown = next(root, &crate::target_dir(root), name, all)?;
    print!("{}", shown.text);
    if let Some(warning) = shown.warning {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

/// What `hint` prints, and why it could not remember what it showed.
#[derive(Debug)]
pub struct Shown {
    pub text: String,
    pub warning: Option<String>,
}

/// What `hint` prints, remembering in `target` what was shown. On an
/// unknown name or a missing target folder it fails before writing anything.
pub fn next(root: &Path, target: &Path, name: &str, all: bool) -> Result<Shown> {
    let chapters = chapter::read_all(root)?;
    let Some(chapter) = chapters.iter().find(|c| c.exercises().contains(&name)) else {
        bail!("{}", unknown(name, &chapters));
    };
    let hints = chapter.hints(name).unwrap_or_default();
    if hints.is_empty() {
        bail!(
            "`{name}` has no hints yet (they go under its cell in chapters/{}.md)",
            chapter.stem
        );
    }
    if !target.is_dir() {
        bail!(
            "there is no target folder ({}) to remember which hints you have seen: \
             run `cargo xtask hint {name}` inside the repository (cargo builds into it first)",
            target.display()
        );
    }
    // Locked from reading the record to writing it back: runs take turns.
    let record = lock(target).and_then(|lock| Ok((lock, read_seen(target)?)));
    let (lock, mut seen, mut warning) = match record {
        Ok((lock, seen)) => (Some(lock), seen, None),
        Err(e) => (None, BTreeMap::new(), Some(e)),
    };
    let shown = seen.get(name).copied().unwrap_or(0).min(hints.len());
    let total = hints.len();
    let place = match chapter.section_of(name) {
        Some(section) => format!("{}, section “{section}”", chapter.stem),
        None => chapter.stem.clone(),
    };
    let hint = |n: usize| {
        format!(
            "Hint {n} of {total} for `{name}` ({place}):\n\n{}\n",
            reflow(&hints[n - 1])
        )
    };
    let (text, now_seen) = if all {
        let every: Vec<String> = (1..=total).map(hint).collect();
        (every.join("\n"), total)
    } else if shown == total {
        let again = format!(
            "You have seen all {total} hints for `{name}`; here is the last one again.\n\n{}",
            hint(total)
        );
        (again, total)
    } else {
        let n = shown + 1;
        let after = if n == total {
            "That was the last hint. The solved notebook has the answer, when you want it."
                .to_string()
        } else {
            format!("Run `cargo xtask hint {name}` again for hint {}.", n + 1)
        };
        (format!("{}\n{after}\n", hint(n)), n)
    };
    if lock.is_some() {
        seen.insert(name.to_string(), now_seen.max(shown));
        warning = write_seen(target, &seen).err();
    }
    drop(lock);
    Ok(Shown {
        text,
        warning: warning
            .map(|e| format!("{e:#}; the next `cargo xtask hint {name}` may show this hint again")),
    })
}

/// A hint's paragraphs wrapped for a terminal: the chapter source breaks
/// its lines where the Markdown reads well, which is not where a terminal
/// should (`f(n` at the end of one line, `− 2)` on the next).
fn reflow(hint: &str) -> String {
    hint.split("\n\n")
        .map(|paragraph| {
            let words = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
            // Break only between words: `f(n-2)` and long paths stay whole.
            let options = textwrap::Options::new(WIDTH)
                .word_splitter(textwrap::WordSplitter::NoHyphenation)
                .break_words(false);
            textwrap::fill(&words, options)
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Columns a hint is wrapped to.
const WIDTH: usize = 88;

/// One line for a name that is no exercise: the closest names, or all of them.
fn unknown(name: &str, chapters: &[Chapter]) -> String {
    let names: Vec<&str> = chapters.iter().flat_map(|c| c.exercises()).collect();
    let close = closest(name, &names);
    let quoted = |list: &[&str]| {
        list.iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if close.is_empty() {
        format!(
            "there is no exercise named `{}`; the exercises are {}",
            crate::shown(name),
            quoted(&names)
        )
    } else {
        format!(
            "there is no exercise named `{}`; did you mean {}?",
            crate::shown(name),
            quoted(&close).replacen(", ", " or ", usize::from(close.len() == 2))
        )
    }
}

/// Up to three names near `wanted`, nearest first: a few letters off, or
/// containing it.
fn closest<'a>(wanted: &str, names: &[&'a str]) -> Vec<&'a str> {
    let mut near: Vec<(usize, &str)> = names
        .iter()
        .map(|&n| (strsim::damerau_levenshtein(wanted, n), n))
        .filter(|&(d, n)| {
            d <= n.len().max(wanted.len()) / 3 || (wanted.len() >= 3 && n.contains(wanted))
        })
        .collect();
    near.sort();
    near.into_iter().take(3).map(|(_, n)| n).collect()
}

/// The lock on the record, held until the file is dropped.
fn lock(target: &Path) -> Result<File> {
    let path = target.join(LOCK);
    let dir = path.parent().expect("the lock is in a folder");
    fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("could not open {}", path.display()))?;
    file.lock()
        .with_context(|| format!("could not lock {}", path.display()))?;
    Ok(file)
}

/// The record; empty when there is none yet.
fn read_seen(target: &Path) -> Result<BTreeMap<String, usize>> {
    let path = target.join(SEEN);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
    };
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} does not hold a record of hints seen, as `cargo xtask hint` writes it; \
             it was left as it is, and hints were counted from the first",
            path.display()
        )
    })
}

/// Replaces the record in one step (a whole new file renamed over it), so
/// that no reader ever sees half of it.
fn write_seen(target: &Path, seen: &BTreeMap<String, usize>) -> Result<()> {
    let path = target.join(SEEN);
    let new = path.with_extension("json.new");
    let text = serde_json::to_string_pretty(seen).expect("a map of numbers is JSON") + "\n";
    fs::write(&new, text).with_context(|| format!("could not write {}", new.display()))?;
    fs::rename(&new, &path).with_context(|| format!("could not replace {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::test_support::fresh_dir;
    use std::path::PathBuf;

    /// A folder with a copy of the chapters (what `hint` reads), removed when dropped.
    struct Root(PathBuf);

    impl Root {
        fn new(with_target: bool) -> Self {
            let dir = fresh_dir("hint");
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
}
