//! A private folder for the files a notebook writes (charts, numbers files).
//!
//! A fixed name under the system's temporary folder, such as `/tmp/workbook`,
//! belongs to whoever created it first: on a machine shared by a workshop,
//! every other user then fails with "Permission denied". Each process gets a
//! folder of its own instead, named after the user and the process, readable
//! only by its owner.
//!
//! A process cannot remove its folder when it ends (a notebook's kernel
//! keeps its variables, paths included, until it is stopped), so the first
//! use in a process removes the folders that this user's finished processes
//! left behind. A folder whose process still runs is never touched: the
//! process holds a lock on a file inside for as long as it runs, and the
//! system lets go of the lock when it ends, however it ends.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use crate::platform::{
    self, create_private_dir as create_private, is_private_dir as is_ours, process_ended,
};

/// The folder `name` inside this process's private scratch folder, created if
/// missing. The scratch folder is `<temp>/workbook-<user>-<process id>`, made
/// with permissions 0700 (owner only) where the platform has them; a folder of
/// that name that belongs to someone else, or that others may write into, is
/// passed over for a fresh name. The folders of this user's processes that
/// have ended are removed then (see the module's notes); print a path inside
/// with [`shown`](crate::shown), which leaves out the machine's own part.
///
/// `name` is a relative path such as `"08-numbers"` or `"charts/00"`.
///
/// # Examples
///
/// ```
/// let dir = workbook::scratch_dir("doctest-scratch").unwrap();
/// assert!(dir.is_dir());
/// assert!(dir.ends_with("doctest-scratch"));
/// std::fs::write(dir.join("hello.txt"), "hi").unwrap();
/// // The same name gives the same folder for the rest of the run.
/// assert_eq!(workbook::scratch_dir("doctest-scratch").unwrap(), dir);
/// ```
///
/// # Errors
/// `name` is empty, absolute or climbs out with `..`; or the folders cannot be
/// created. The message names the path.
pub fn scratch_dir(name: &str) -> io::Result<PathBuf> {
    let relative = Path::new(name);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if name.is_empty() || !plain {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "scratch_dir: `name` must be a relative folder name such as \"08-numbers\", got {name:?}"
            ),
        ));
    }
    let base = BASE
        .get_or_init(|| private_base(&std::env::temp_dir()))
        .as_ref()
        .map_err(|e| io::Error::other(e.clone()))?;
    let dir = base.join(relative);
    std::fs::create_dir_all(&dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("{}: cannot create it: {e}", dir.display()),
        )
    })?;
    Ok(dir)
}

/// This process's scratch folder, once [`scratch_dir`] has made it.
pub(crate) fn scratch_base() -> Option<&'static Path> {
    BASE.get()?.as_deref().ok()
}

static BASE: OnceLock<Result<PathBuf, String>> = OnceLock::new();

/// Creates (or finds, from earlier in this run) a private folder in `temp`,
/// after removing the ones finished processes left there.
fn private_base(temp: &Path) -> Result<PathBuf, String> {
    remove_leftovers(temp);
    let stem = format!("workbook-{}-{}", user_name(), std::process::id());
    let mut last_error = String::new();
    for attempt in 0..100 {
        let path = match attempt {
            0 => temp.join(&stem),
            n => temp.join(format!("{stem}-{n}")),
        };
        match create_private(&path) {
            Ok(()) => {
                hold_in_use_lock(&path);
                return Ok(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && is_ours(&path) => {
                hold_in_use_lock(&path);
                return Ok(path);
            }
            Err(e) => last_error = format!("{}: {e}", path.display()),
        }
    }
    Err(format!(
        "no private scratch folder could be made in {} (last try: {last_error})",
        temp.display()
    ))
}

/// The file a process keeps locked in its scratch folder while it runs.
const IN_USE: &str = ".in-use";

/// Locks `folder`'s [`IN_USE`] file for the rest of this process. The file
/// is locked under another name, then renamed: it never shows unlocked.
/// Best effort: without the lock, [`remove_leftovers`] asks whether the
/// process of the folder's name still runs.
fn hold_in_use_lock(folder: &Path) {
    let fresh = folder.join(format!("{IN_USE}-{}", std::process::id()));
    let Ok(file) = std::fs::File::create(&fresh) else {
        return;
    };
    if file.try_lock().is_ok() && std::fs::rename(&fresh, folder.join(IN_USE)).is_ok() {
        // Kept open, so locked, until the process ends.
        std::mem::forget(file);
    } else {
        let _ = std::fs::remove_file(&fresh);
    }
}

/// Removes this user's scratch folders in `temp` whose process has ended:
/// `workbook-<user>-<pid>` and `workbook-<user>-<pid>-<n>`, real folders
/// owned by this user and closed to others. Failures are left for next time.
fn remove_leftovers(temp: &Path) {
    let prefix = format!("workbook-{}-", user_name());
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let path = entry.path();
        if !is_ours(&path) {
            continue;
        }
        // The lock, where there is one, is the surer sign: a process id can
        // be reused, or belong to another container sharing this folder.
        let ended = match std::fs::File::open(path.join(IN_USE)) {
            Ok(lock) => lock.try_lock().is_ok(),
            Err(_) => process_ended(pid),
        };
        if ended {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// The login name, reduced to characters safe in a file name.
fn user_name() -> String {
    let name = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if !safe.is_empty() && safe != "." && safe != ".." {
        return safe;
    }
    match platform::user_id() {
        Some(uid) => format!("uid{uid}"),
        None => "user".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_climb_out_or_are_absolute_are_refused() {
        for bad in ["", "..", "../etc", "/tmp/x", "a/../../b"] {
            let err = scratch_dir(bad).unwrap_err();
            assert!(
                err.to_string()
                    .contains("`name` must be a relative folder name"),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn a_folder_taken_by_someone_else_is_passed_over() {
        let temp =
            std::env::temp_dir().join(format!("workbook-scratch-test-{}", std::process::id()));
        std::fs::create_dir_all(&temp).unwrap();
        let stem = format!("workbook-{}-{}", user_name(), std::process::id());
        // Stands for a folder another user made: others may write into it.
        let taken = temp.join(&stem);
        std::fs::create_dir_all(&taken).unwrap();
        #[cfg(unix)]
        {
            platform::set_mode(&taken, 0o777).unwrap();
            let chosen = private_base(&temp).unwrap();
            assert_eq!(chosen, temp.join(format!("{stem}-1")));
            let mode = platform::mode(&chosen).unwrap();
            assert_eq!(mode & 0o777, 0o700, "{mode:o}");
        }
        // A private folder of our own from earlier in the run is reused.
        assert_eq!(private_base(&temp).unwrap(), private_base(&temp).unwrap());
        std::fs::remove_dir_all(&temp).unwrap();
    }

    #[test]
    fn the_scratch_folder_is_private_to_its_user() {
        let dir = scratch_dir("private-check").unwrap();
        assert!(is_ours(dir.parent().unwrap()));
        assert!(
            dir.parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("workbook-")
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_the_folders_of_ended_processes_are_removed() {
        let temp =
            std::env::temp_dir().join(format!("workbook-leftovers-test-{}", std::process::id()));
        std::fs::create_dir_all(&temp).unwrap();
        let mut ended = std::process::Command::new("true").spawn().unwrap();
        ended.wait().unwrap();
        let (user, dead, live) = (user_name(), ended.id(), std::process::id());
        let folder = |name: String, mode: u32| {
            let path = temp.join(name);
            std::fs::create_dir_all(path.join("charts")).unwrap();
            platform::set_mode(&path, mode).unwrap();
            path
        };
        // A live process's lock, in a folder named after an ended one (as
        // from another container): the lock wins.
        let locked = folder(format!("workbook-{user}-{dead}-5"), 0o700);
        hold_in_use_lock(&locked);
        // An unlocked lock file in a folder named after a live process (its
        // id reused): the lock wins again.
        let released = folder(format!("workbook-{user}-{live}-6"), 0o700);
        std::fs::write(released.join(IN_USE), "").unwrap();
        let gone = [
            folder(format!("workbook-{user}-{dead}"), 0o700),
            folder(format!("workbook-{user}-{dead}-3"), 0o700),
            released,
        ];
        let kept = [
            locked,
            folder(format!("workbook-{user}-{live}"), 0o700),
            folder(format!("workbook-{user}-{live}-2"), 0o700),
            folder(format!("workbook-{user}-{dead}-open"), 0o777),
            folder(format!("workbook-{user}x-{dead}"), 0o700),
            folder(format!("other-{user}-{dead}"), 0o700),
        ];
        remove_leftovers(&temp);
        for path in gone {
            assert!(!path.exists(), "{} should be removed", path.display());
        }
        for path in kept {
            assert!(
                path.join("charts").is_dir(),
                "{} should be kept",
                path.display()
            );
        }
        std::fs::remove_dir_all(&temp).unwrap();
    }
}
