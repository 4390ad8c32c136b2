//! `cargo xtask hint NAME [--all]`: an exercise's hints, one at a time, as
//! written under its cell in `chapters/NN-slug.md`. What was shown is
//! remembered in `hints/seen.json` in cargo's target folder (`target/`, or
//! `CARGO_TARGET_DIR`), the only file this writes (with `hints/seen.lock`,
//! which lets runs started together take turns, so none loses another's update).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};

use crate::codegen::chapter::{self, Chapter};
use seen::{lock, read_seen, write_seen};

#[cfg(test)]
mod messages;
mod seen;
#[cfg(test)]
mod tests;

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
