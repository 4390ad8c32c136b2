//! `cargo xtask watch`: each time a chapter's file in `exercises/src/` is
//! saved, its exercises are checked again (the same grading as `progress`,
//! only that chapter), their reports printed with the overall count. Code
//! that does not compile shows the compiler's error, and the watch waits
//! for the next save. Ctrl-C stops the checks it started and ends it.

mod saves;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::child;
use crate::codegen::chapter;
use crate::grading::{self, Grade, Graded, Verdict};
use saves::{next_save, watch};

/// `cargo xtask watch [NAME]`: NAME watches one exercise only.
pub fn run(root: &Path, name: Option<&str>) -> Result<()> {
    let chapters = chapter::read_all(root)?;
    let only = name
        .map(|n| grading::find_exercise(&chapters, n))
        .transpose()?
        .map(|(c, ex)| (c.stem.clone(), ex.to_string()));
    grading::announce_first_build(root, "watch");
    let stop = child::interrupted();
    let dir = root.join("exercises/src");
    let (_watcher, saved) = watch(&dir)?;

    let total: usize = chapters.iter().map(|c| c.exercises().len()).sum();
    let mut known: BTreeMap<(String, String), Graded> = BTreeMap::new();
    println!("watch: checking every exercise once, to start the count…");
    let start = Instant::now();
    match grading::grade(root, None) {
        Ok(Grade::Reports(graded)) => remember(&mut known, graded),
        Ok(Grade::CompileError(errors)) => print_compile_error(&errors),
        Ok(Grade::Stopped) => return stopped(),
        Err(e) => println!("watch: the exercises could not be checked: {e:#}"),
    }
    println!(
        "watch: {} ({:.1} s). Save a file in exercises/src/ to check it again; Ctrl-C ends.",
        count(&known, total),
        start.elapsed().as_secs_f64()
    );
    loop {
        let Some(burst) = next_save(&saved, &dir, &chapters, stop) else {
            return stopped();
        };
        if !dir.is_dir() {
            println!(
                "\n── exercises/src/ was deleted: the watch goes on, and checks the chapters \
                 again once it is back."
            );
            continue;
        }
        for c in &burst.deleted {
            let file = format!("exercises/src/{}.rs", c.module());
            println!(
                "\n── {file} was deleted: its exercises cannot be checked until it is back \
                 (`git checkout {file}` brings it back as it first came)."
            );
        }
        let files = burst.saved;
        if files.is_empty() {
            continue;
        }
        let mut select: Vec<String> = files.iter().map(|c| c.stem.clone()).collect();
        if let Some((stem, ex)) = &only {
            if !select.contains(stem) {
                continue;
            }
            select = vec![format!("{stem}/{ex}")];
        }
        // After a build that failed, some exercises were never graded: all of them, then.
        let whole = known.len() < total;
        let shown: Vec<String> = files
            .iter()
            .map(|c| format!("exercises/src/{}.rs", c.module()))
            .collect();
        println!("\n── saved {}: checking…", shown.join(", "));
        let since = |first: Instant| first.elapsed().as_secs_f64();
        match grading::grade(root, (!whole).then(|| select.join(",")).as_deref()) {
            Ok(Grade::Stopped) => return stopped(),
            Ok(Grade::CompileError(errors)) => {
                print_compile_error(&errors);
                println!(
                    "watch: {:.1} s from the save. Waiting for the next save.",
                    since(burst.first)
                );
            }
            Ok(Grade::Reports(graded)) => {
                let mine: Vec<&Graded> = graded
                    .iter()
                    .filter(|g| files.iter().any(|c| c.stem == g.notebook))
                    .filter(|g| only.as_ref().is_none_or(|(_, ex)| *ex == g.exercise))
                    .collect();
                for g in mine {
                    println!("{}", g.report);
                }
                remember(&mut known, graded);
                println!(
                    "watch: {}; {:.1} s from the save to this report.",
                    count(&known, total),
                    since(burst.first)
                );
            }
            // A grade that went wrong is told; it does not end the watch.
            Err(e) => println!(
                "watch: the exercises could not be checked: {e:#}. Waiting for the next save."
            ),
        }
    }
}

fn stopped() -> Result<()> {
    println!("\nwatch: stopped.");
    Ok(())
}

fn remember(known: &mut BTreeMap<(String, String), Graded>, graded: Vec<Graded>) {
    for g in graded {
        known.insert((g.notebook.clone(), g.exercise.clone()), g);
    }
}

/// `12 of 24 exercises done`, in the crate.
fn count(known: &BTreeMap<(String, String), Graded>, total: usize) -> String {
    let done = known
        .values()
        .filter(|g| Verdict::from(*g).is_done())
        .count();
    format!("{done} of {total} exercises done in exercises/src/")
}

fn print_compile_error(errors: &str) {
    println!("The exercises crate does not compile:\n{errors}");
}
