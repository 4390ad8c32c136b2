//! Telling a save of a chapter's file from the other file events: a burst
//! of events is one save, a deleted file is not a save, and a `src` folder
//! made again is watched again.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::codegen::chapter::Chapter;

/// Editors write a file in several steps (truncate, write, rename): events
/// this close together are one save.
const QUIET: Duration = Duration::from_millis(300);
/// How often the loop looks at Ctrl-C while no file changes.
const TICK: Duration = Duration::from_millis(100);

/// A file event, with when it arrived (not when the loop got to it).
type Arrived = (Instant, notify::Result<Event>);

/// Watches `dir` (`exercises/src`) through its parent, recursively, so that
/// a `src` deleted and made again (as some git commands do) is watched
/// again. Each event is stamped with when it arrived.
pub(super) fn watch(dir: &Path) -> Result<(RecommendedWatcher, mpsc::Receiver<Arrived>)> {
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

/// One burst of file events, once it has ended.
pub(super) struct Burst<'a> {
    /// Chapters whose files were written (all of them when `src` came back).
    pub saved: Vec<&'a Chapter>,
    /// Chapters whose files are gone.
    pub deleted: Vec<&'a Chapter>,
    /// When the burst's first event arrived.
    pub first: Instant,
}

/// Waits for a chapter's file (or `src` itself) to change, then for the
/// burst of events to end: what was saved and deleted, and when the first
/// event arrived. `None` on Ctrl-C.
pub(super) fn next_save<'a>(
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
    use crate::codegen::chapter;
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
