//! `cargo xtask watch`: each time a chapter's file in `exercises/src/` is
//! saved, its exercises are checked again (the same grading as `progress`,
//! only that chapter), their reports printed with the overall count. Code
//! that does not compile shows the compiler's error, and the watch waits
//! for the next save. Ctrl-C stops the checks it started and ends it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{Event, EventKind, RecursiveMode, Watcher};

use crate::child;
use crate::codegen::chapter::{self, Chapter};
use crate::progress::{self, Grade, Graded};

/// Editors write a file in several steps (truncate, write, rename): events
/// this close together are one save.
const QUIET: Duration = Duration::from_millis(300);
/// How often the loop looks at Ctrl-C while no file changes.
const TICK: Duration = Duration::from_millis(100);

/// `cargo xtask watch [NAME]`: NAME watches one exercise only.
pub fn run(root: &Path, name: Option<&str>) -> Result<()> {
    let chapters = chapter::read_all(root)?;
    let only = name
        .map(|n| progress::find_exercise(&chapters, n))
        .transpose()?
        .map(|(c, ex)| (c.stem.clone(), ex.to_string()));
    progress::require_target(root)?;
    let stop = child::interrupted();
    let dir = root.join("exercises/src");
    let (events, saved) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        let _ = events.send(event);
    })
    .context("could not watch files")?;
    watcher
        .watch(&dir, RecursiveMode::NonRecursive)
        .with_context(|| format!("could not watch {}", dir.display()))?;

    let total: usize = chapters.iter().map(|c| c.exercises().len()).sum();
    let mut known: BTreeMap<(String, String), Graded> = BTreeMap::new();
    println!("watch: checking every exercise once, to start the count…");
    let start = Instant::now();
    match progress::grade(root, None)? {
        Grade::Reports(graded) => remember(&mut known, graded),
        Grade::CompileError(errors) => print_compile_error(&errors),
        Grade::Stopped => return stopped(),
    }
    println!(
        "watch: {} ({:.1} s). Save a file in exercises/src/ to check it again; Ctrl-C ends.",
        count(&known, total),
        start.elapsed().as_secs_f64()
    );
    loop {
        let Some((files, first_event)) = next_save(&saved, &dir, &chapters, stop) else {
            return stopped();
        };
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
        let grade = progress::grade(root, (!whole).then(|| select.join(",")).as_deref())?;
        match grade {
            Grade::Stopped => return stopped(),
            Grade::CompileError(errors) => {
                print_compile_error(&errors);
                println!(
                    "watch: {:.1} s from the save. Waiting for the next save.",
                    first_event.elapsed().as_secs_f64()
                );
            }
            Grade::Reports(graded) => {
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
                    first_event.elapsed().as_secs_f64()
                );
            }
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
    let done = known.values().filter(|g| g.verdict().is_done()).count();
    format!("{done} of {total} exercises done in exercises/src/")
}

fn print_compile_error(errors: &str) {
    println!("The exercises crate does not compile:\n{errors}");
}

/// Waits for a save of a chapter's file, then for the burst of events to
/// end: the chapters saved, and when the first event came. `None` on Ctrl-C.
fn next_save<'a>(
    saved: &mpsc::Receiver<notify::Result<Event>>,
    dir: &Path,
    chapters: &'a [Chapter],
    stop: &std::sync::atomic::AtomicBool,
) -> Option<(Vec<&'a Chapter>, Instant)> {
    let mut files = BTreeSet::new();
    let mut first = None;
    loop {
        if stop.load(Ordering::SeqCst) {
            return None;
        }
        let wait = if first.is_some() { QUIET } else { TICK };
        match saved.recv_timeout(wait) {
            Ok(Ok(event)) => {
                let chapter_files = saved_chapters(&event, dir, chapters);
                if !chapter_files.is_empty() {
                    first.get_or_insert_with(Instant::now);
                    files.extend(chapter_files);
                }
            }
            Ok(Err(e)) => eprintln!("watch: a file event was lost ({e})"),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some(first) = first {
                    let chosen = chapters
                        .iter()
                        .filter(|c| files.contains(&c.module()))
                        .collect();
                    return Some((chosen, first));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// The chapter modules (`ch01_threads`) whose files an event wrote.
fn saved_chapters(event: &Event, dir: &Path, chapters: &[Chapter]) -> Vec<String> {
    if !matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_)) {
        return Vec::new();
    }
    event
        .paths
        .iter()
        .filter_map(|p| module_of(p, dir))
        .filter(|m| chapters.iter().any(|c| c.module() == *m))
        .collect()
}

/// `exercises/src/ch01_threads.rs` → `ch01_threads`; other files → `None`.
fn module_of(path: &Path, dir: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let parent: PathBuf = path.parent()?.to_path_buf();
    let same_dir = parent == dir
        || parent
            .canonicalize()
            .ok()
            .zip(dir.canonicalize().ok())
            .is_some_and(|(a, b)| a == b);
    let module = name.strip_suffix(".rs")?;
    (same_dir && module.starts_with("ch")).then(|| module.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, DataChange, ModifyKind};

    fn event(kind: EventKind, path: &Path) -> Event {
        Event::new(kind).add_path(path.to_path_buf())
    }

    #[test]
    fn only_writes_to_a_chapters_file_count_as_saves() {
        let root = crate::root();
        let chapters = chapter::read_all(&root).unwrap();
        let dir = root.join("exercises/src");
        let file = dir.join("ch01_threads.rs");
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert_eq!(
            saved_chapters(&event(write, &file), &dir, &chapters),
            ["ch01_threads"]
        );
        let created = EventKind::Create(CreateKind::File);
        assert_eq!(
            saved_chapters(&event(created, &file), &dir, &chapters),
            ["ch01_threads"]
        );
        let read = EventKind::Access(AccessKind::Any);
        assert!(saved_chapters(&event(read, &file), &dir, &chapters).is_empty());
        for other in [
            "lib.rs",
            "ch01_threads.rs~",
            ".ch01_threads.rs.swp",
            "ch99_none.rs",
        ] {
            let e = event(write, &dir.join(other));
            assert!(saved_chapters(&e, &dir, &chapters).is_empty(), "{other}");
        }
        let elsewhere = root.join("solutions/src/ch01_threads.rs");
        assert!(saved_chapters(&event(write, &elsewhere), &dir, &chapters).is_empty());
    }

    #[test]
    fn a_burst_of_events_is_one_save_and_ctrl_c_ends_the_wait() {
        let root = crate::root();
        let chapters = chapter::read_all(&root).unwrap();
        let dir = root.join("exercises/src");
        let (tx, rx) = mpsc::channel();
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        for file in [
            "ch01_threads.rs",
            "ch01_threads.rs",
            "lib.rs",
            "ch02_thread_pools.rs",
        ] {
            tx.send(Ok(event(write, &dir.join(file)))).unwrap();
        }
        let stop = std::sync::atomic::AtomicBool::new(false);
        let (files, _) = next_save(&rx, &dir, &chapters, &stop).unwrap();
        let stems: Vec<&str> = files.iter().map(|c| c.stem.as_str()).collect();
        assert_eq!(stems, ["01-threads", "02-thread-pools"]);
        stop.store(true, Ordering::SeqCst);
        assert!(next_save(&rx, &dir, &chapters, &stop).is_none());
    }
}
