//! A private folder for the files a notebook writes (charts, numbers files).
//!
//! A fixed name under the system's temporary folder, such as `/tmp/workbook`,
//! belongs to whoever created it first: on a machine shared by a workshop,
//! every other user then fails with "Permission denied". Each process gets a
//! folder of its own instead, named after the user and the process, readable
//! only by its owner.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// The folder `name` inside this process's private scratch folder, created if
/// missing. The scratch folder is `<temp>/workbook-<user>-<process id>`, made
/// with permissions 0700 (owner only) where the platform has them; a folder of
/// that name that belongs to someone else, or that others may write into, is
/// passed over for a fresh name.
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
    static BASE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
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

/// Creates (or finds, from earlier in this run) a private folder in `temp`.
fn private_base(temp: &Path) -> Result<PathBuf, String> {
    let stem = format!("workbook-{}-{}", user_name(), std::process::id());
    let mut last_error = String::new();
    for attempt in 0..100 {
        let path = match attempt {
            0 => temp.join(&stem),
            n => temp.join(format!("{stem}-{n}")),
        };
        match create_private(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && is_ours(&path) => {
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

#[cfg(unix)]
fn create_private(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> io::Result<()> {
    std::fs::create_dir(path)
}

/// A real folder (not a link), owned by this user, that nobody else may write into.
#[cfg(unix)]
fn is_ours(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    meta.is_dir() && meta.uid() == me && meta.mode() & 0o077 == 0
}

#[cfg(not(unix))]
fn is_ours(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
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
    #[cfg(unix)]
    {
        // SAFETY: getuid has no preconditions and cannot fail.
        format!("uid{}", unsafe { libc::getuid() })
    }
    #[cfg(not(unix))]
    {
        "user".to_string()
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
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&taken, std::fs::Permissions::from_mode(0o777)).unwrap();
            let chosen = private_base(&temp).unwrap();
            assert_eq!(chosen, temp.join(format!("{stem}-1")));
            let mode = std::fs::metadata(&chosen).unwrap().permissions().mode();
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
}
