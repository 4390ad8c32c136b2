//! `cargo xtask watch`: each time a chapter's file in `exercises/src/` is
//! saved, its exercises are checked again (the same grading as `progress`,
//! only that chapter), their reports printed with the overall count. Code
//! that does not compile shows the compiler's error, and the watch waits
//! for the next save. Ctrl-C stops the checks it started and ends it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::child;
use crate::codegen::chapter::{self, Chapter};
use crate::progress::{self, Grade, Graded, Verdict};

/// Editors write a file in several steps (truncate, write, rename): events
/// this close together are one save.
const QUIET: Duration = Duration::from_millis(300);
/// How often the loop looks at Ctrl-C while no file changes.
const TICK: Duration = Duration::from_millis(100);

/// A file event, with when it arrived (not when the loop got to it).
type Arrived = (Instant, notify::Result<Event>);

/// `cargo xtask watch [NAME]`: NAME watches one exercise only.
pub fn run(root: &Path, name: Option<&str>) -> Result<()> {
    let chapters = chapter::read_all(root)?;
    let only = name
        .map(|n| progress::find_exercise(&chapters, n))
        .transpose()?
        .map(|(c, ex)| (c.stem.clone(), ex.to_string()));
    progress::announce_first_build(root, "watch");
    let stop = child::interrupted();
    let dir = root.join("exercises/src");
    let (_watcher, saved) = watch(&dir)?;

    let total: usize = chapters.iter().map(|c| c.exercises().len()).sum();
    let mut known: BTreeMap<(String, String), Graded> = BTreeMap::new();
    println!("watch: checking every exercise once, to start the count…");
    let start = Instant::now();
    match progress::grade(root, None) {
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
        match progress::grade(root, (!whole).then(|| select.join(",")).as_deref()) {
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

/// Watches `dir` (`exercises/src`) through its parent, recursively, so that
/// a `src` deleted and made again (as some git commands do) is watched
/// again. Each event is stamped with when it arrived.
fn watch(dir: &Path) -> Result<(RecommendedWatcher, mpsc::Receiver<Arrived>)> {
    let parent = dir.parent().context("exercises/src has a parent folder")?;
    let (events, arrived) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        let _ = events.send((Instant::now(), event));
    })
    .context("could not watch files")?;
    watcher
        .watch(parent, RecursiveMode::Recursive)
        .with_context(|| format!("could not watch {}", parent.display()))?;
    Ok((watcher, arrived))
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

/// One burst of file events, once it has ended.
struct Burst<'a> {
    /// Chapters whose files were written (all of them when `src` came back).
    saved: Vec<&'a Chapter>,
    /// Chapters whose files are gone.
    deleted: Vec<&'a Chapter>,
    /// When the burst's first event arrived.
    first: Instant,
}

/// Waits for a chapter's file (or `src` itself) to change, then for the
/// burst of events to end: what was saved and deleted, and when the first
/// event arrived. `None` on Ctrl-C.
fn next_save<'a>(
    saved: &mpsc::Receiver<Arrived>,
    dir: &Path,
    chapters: &'a [Chapter],
    stop: &std::sync::atomic::AtomicBool,
) -> Option<Burst<'a>> {
    let mut touched = BTreeSet::new();
    let mut first = None;
    loop {
        if stop.load(Ordering::SeqCst) {
            return None;
        }
        let wait = if first.is_some() { QUIET } else { TICK };
        match saved.recv_timeout(wait) {
            Ok((at, Ok(event))) => {
                let changed = changed_chapters(&event, dir, chapters);
                if !changed.is_empty() {
                    first.get_or_insert(at);
                    touched.extend(changed);
                }
            }
            Ok((_, Err(e))) => eprintln!("watch: a file event was lost ({e})"),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some(first) = first {
                    // What is there once the burst is over decides: a file
                    // deleted and written again was saved.
                    let (saved, deleted) = chapters
                        .iter()
                        .filter(|c| touched.contains(&c.module()))
                        .partition(|c| dir.join(format!("{}.rs", c.module())).is_file());
                    return Some(Burst {
                        saved,
                        deleted,
                        first,
                    });
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// The chapter modules (`ch01_threads`) whose files an event wrote, made or
/// removed; every chapter's with exercises when it made or removed `dir` itself.
fn changed_chapters(event: &Event, dir: &Path, chapters: &[Chapter]) -> Vec<String> {
    if !matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    ) {
        return Vec::new();
    }
    if event.paths.iter().any(|p| same_path(p, dir)) {
        // Chapters without exercises have no file.
        return chapters
            .iter()
            .filter(|c| !c.exercises().is_empty())
            .map(Chapter::module)
            .collect();
    }
    event
        .paths
        .iter()
        .filter_map(|p| module_of(p, dir))
        .filter(|m| chapters.iter().any(|c| c.module() == *m))
        .collect()
}

fn same_path(a: &Path, b: &Path) -> bool {
    a == b
        || a.canonicalize()
            .ok()
            .zip(b.canonicalize().ok())
            .is_some_and(|(a, b)| a == b)
}

/// `exercises/src/ch01_threads.rs` → `ch01_threads`; other files → `None`.
fn module_of(path: &Path, dir: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let same_dir = same_path(path.parent()?, dir);
    let module = name.strip_suffix(".rs")?;
    (same_dir && module.starts_with("ch")).then(|| module.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, DataChange, ModifyKind, RemoveKind};
    use std::fs;
    use std::sync::atomic::AtomicBool;

    fn event(kind: EventKind, path: &Path) -> Event {
        Event::new(kind).add_path(path.to_path_buf())
    }

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Content));

    #[test]
    fn only_changes_to_a_chapters_file_count() {
        let root = crate::root();
        let chapters = chapter::read_all(&root).unwrap();
        let dir = root.join("exercises/src");
        let file = dir.join("ch01_threads.rs");
        let changed = |kind, path: &Path| changed_chapters(&event(kind, path), &dir, &chapters);
        assert_eq!(changed(WRITE, &file), ["ch01_threads"]);
        assert_eq!(
            changed(EventKind::Create(CreateKind::File), &file),
            ["ch01_threads"]
        );
        assert_eq!(
            changed(EventKind::Remove(RemoveKind::File), &file),
            ["ch01_threads"]
        );
        assert!(changed(EventKind::Access(AccessKind::Any), &file).is_empty());
        for other in [
            "lib.rs",
            "ch01_threads.rs~",
            ".ch01_threads.rs.swp",
            "ch99_none.rs",
        ] {
            assert!(changed(WRITE, &dir.join(other)).is_empty(), "{other}");
        }
        assert!(changed(WRITE, &root.join("solutions/src/ch01_threads.rs")).is_empty());
        // `src` itself made again: every chapter's file.
        let all = changed(EventKind::Create(CreateKind::Folder), &dir);
        let files = chapters.iter().filter(|c| !c.exercises().is_empty());
        assert_eq!(all, files.map(Chapter::module).collect::<Vec<_>>());
        assert!(
            all.iter().all(|m| dir.join(format!("{m}.rs")).is_file()),
            "{all:?}"
        );
    }

    #[test]
    fn a_burst_of_events_is_one_save_timed_from_its_arrival_and_ctrl_c_ends_the_wait() {
        let root = crate::root();
        let chapters = chapter::read_all(&root).unwrap();
        let dir = root.join("exercises/src");
        let (tx, rx) = mpsc::channel();
        // The events arrived a while before the loop got to them.
        let arrived = Instant::now() - Duration::from_secs(5);
        for file in [
            "ch01_threads.rs",
            "ch01_threads.rs",
            "lib.rs",
            "ch02_thread_pools.rs",
        ] {
            tx.send((arrived, Ok(event(WRITE, &dir.join(file)))))
                .unwrap();
        }
        let stop = AtomicBool::new(false);
        let burst = next_save(&rx, &dir, &chapters, &stop).unwrap();
        let stems: Vec<&str> = burst.saved.iter().map(|c| c.stem.as_str()).collect();
        assert_eq!(stems, ["01-threads", "02-thread-pools"]);
        assert!(burst.deleted.is_empty());
        assert_eq!(burst.first, arrived);
        stop.store(true, Ordering::SeqCst);
        assert!(next_save(&rx, &dir, &chapters, &stop).is_none());
    }

    /// A scratch `exercises/src` with chapter 01's file.
    fn scratch(name: &str) -> std::path::PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("exercises/src")).unwrap();
        fs::write(root.join("exercises/src/ch01_threads.rs"), "// 1\n").unwrap();
        root
    }

    /// The next burst, or `None` after `limit`.
    fn burst_within<'a>(
        rx: &mpsc::Receiver<Arrived>,
        dir: &Path,
        chapters: &'a [Chapter],
        limit: Duration,
    ) -> Option<Burst<'a>> {
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let timer = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            std::thread::sleep(limit);
            timer.store(true, Ordering::SeqCst);
        });
        next_save(rx, dir, chapters, &stop)
    }

    #[test]
    fn a_deleted_chapter_file_is_told_apart_from_a_save() {
        let chapters = chapter::read_all(&crate::root()).unwrap();
        let root = scratch("deleted");
        let dir = root.join("exercises/src");
        let (_watcher, rx) = watch(&dir).unwrap();
        fs::remove_file(dir.join("ch01_threads.rs")).unwrap();
        let burst = burst_within(&rx, &dir, &chapters, Duration::from_secs(10));
        fs::remove_dir_all(&root).unwrap();
        let burst = burst.expect("the deletion was seen");
        assert!(burst.saved.is_empty());
        let deleted: Vec<&str> = burst.deleted.iter().map(|c| c.stem.as_str()).collect();
        assert_eq!(deleted, ["01-threads"]);
    }

    #[test]
    fn src_deleted_and_made_again_is_still_watched() {
        let chapters = chapter::read_all(&crate::root()).unwrap();
        let root = scratch("remade");
        let dir = root.join("exercises/src");
        let (_watcher, rx) = watch(&dir).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        let gone = burst_within(&rx, &dir, &chapters, Duration::from_secs(10));
        assert!(
            gone.is_some_and(|b| b.saved.is_empty()),
            "the deletion was seen"
        );
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("ch01_threads.rs"), "// 2\n").unwrap();
        let back = burst_within(&rx, &dir, &chapters, Duration::from_secs(10));
        // A later save, in the new folder.
        fs::write(dir.join("ch01_threads.rs"), "// 3\n").unwrap();
        let later = burst_within(&rx, &dir, &chapters, Duration::from_secs(10));
        fs::remove_dir_all(&root).unwrap();
        let saves_01 =
            |b: Option<Burst>| b.is_some_and(|b| b.saved.iter().any(|c| c.number == "01"));
        assert!(saves_01(back), "making exercises/src again was not seen");
        assert!(
            saves_01(later),
            "a save in the new exercises/src was not seen"
        );
    }
}
