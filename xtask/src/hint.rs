//! `cargo xtask hint NAME [--all]`: an exercise's hints, one at a time, as
//! written under its cell in `chapters/NN-slug.md`. What was shown is
//! remembered in `hints/seen.json` in cargo's target folder (`target/`, or
//! `CARGO_TARGET_DIR`), the only file this writes.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::codegen::chapter::{self, Chapter};

/// Relative to cargo's target folder: how many hints of each exercise were shown.
const SEEN: &str = "hints/seen.json";

/// Prints the next hint of exercise `name` not yet shown (every hint with
/// `all`), and remembers it.
pub fn run(root: &Path, name: &str, all: bool) -> Result<()> {
    print!("{}", next(root, &crate::target_dir(root), name, all)?);
    Ok(())
}

/// What `hint` prints, remembering in `target` what was shown. On an
/// unknown name or a missing target folder it fails before writing anything.
pub fn next(root: &Path, target: &Path, name: &str, all: bool) -> Result<String> {
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
    let mut seen = read_seen(target)?;
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
    seen.insert(name.to_string(), now_seen.max(shown));
    write_seen(target, &seen)?;
    Ok(text)
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
            "there is no exercise named `{name}`; the exercises are {}",
            quoted(&names)
        )
    } else {
        format!(
            "there is no exercise named `{name}`; did you mean {}?",
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

fn read_seen(target: &Path) -> Result<BTreeMap<String, usize>> {
    let path = target.join(SEEN);
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(BTreeMap::new());
    };
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{SEEN} is not what `cargo xtask hint` writes; delete it to see the hints from the first again"
        )
    })
}

fn write_seen(target: &Path, seen: &BTreeMap<String, usize>) -> Result<()> {
    let path = target.join(SEEN);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(seen).expect("a map of numbers is JSON") + "\n";
    fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A folder with a copy of the chapters (what `hint` reads), removed when dropped.
    struct Root(PathBuf);

    impl Root {
        fn new(with_target: bool) -> Self {
            static COUNT: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "xtask-hint-{}-{}",
                std::process::id(),
                COUNT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&dir);
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
            let text = next(&root.0, &root.0.join("target"), "fib_par", false).unwrap();
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
        let again = next(&root.0, &root.0.join("target"), "fib_par", false).unwrap();
        assert!(again.starts_with("You have seen all"), "{again}");
        assert!(again.contains(&reflow(&hints[total - 1])), "{again}");
        // Another exercise starts at its own first hint.
        let other = next(&root.0, &root.0.join("target"), "fib_checked", false).unwrap();
        assert!(other.starts_with("Hint 1 of"), "{other}");
    }

    #[test]
    fn all_shows_every_hint_and_counts_them_seen() {
        let root = Root::new(true);
        let hints = fib_par_hints(&root.0);
        let text = next(&root.0, &root.0.join("target"), "fib_par", true).unwrap();
        for (i, hint) in hints.iter().enumerate() {
            assert!(text.contains(&format!("Hint {} of", i + 1)), "{text}");
            assert!(text.contains(&reflow(hint)), "{text}");
        }
        let after = next(&root.0, &root.0.join("target"), "fib_par", false).unwrap();
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
}
