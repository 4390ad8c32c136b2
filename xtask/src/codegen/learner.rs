//! A learner's work in generated files, told apart from a stale copy.
//!
//! A file that differs from what the chapters generate is a stale copy when
//! its bytes are what `gen` last wrote there (a copy kept under
//! `target/codegen/generated/`) or what the repository holds for it (a
//! committed copy, as on a fresh clone or in CI). Anything else in a file a
//! learner writes in is the learner's work: answers in `exercises/src/`,
//! outputs or edited cells in a student notebook.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

use super::Generated;

/// Where `gen` keeps what it last wrote into the learner's files.
const LAST_GENERATED: &str = "target/codegen/generated";
/// Where replaced learner files go, one folder per command run.
const BACKUPS: &str = "target/backups";

pub enum State {
    /// Holds exactly what the chapters generate.
    Fresh,
    Missing,
    /// A generator's copy, from an older chapter source. `proven`: it is
    /// byte for byte what `gen` last wrote, so replacing it loses nothing.
    Stale {
        proven: bool,
    },
    /// A learner's answers or notebook edits.
    Work,
}

pub fn state(root: &Path, file: &Generated) -> Result<State> {
    let Ok(current) = fs::read(root.join(&file.path)) else {
        return Ok(State::Missing);
    };
    if current == file.content.as_bytes() {
        return Ok(State::Fresh);
    }
    if !file.is_learners() {
        return Ok(State::Stale { proven: true });
    }
    if fs::read(root.join(LAST_GENERATED).join(&file.path)).is_ok_and(|last| last == current) {
        return Ok(State::Stale { proven: true });
    }
    if committed(root, &file.path) {
        return Ok(State::Stale { proven: false });
    }
    Ok(State::Work)
}

/// Records what `gen` wrote into a learner's file, to recognise it later.
pub fn remember(root: &Path, file: &Generated) -> Result<()> {
    let copy = root.join(LAST_GENERATED).join(&file.path);
    if fs::read(&copy).is_ok_and(|c| c == file.content.as_bytes()) {
        return Ok(());
    }
    fs::create_dir_all(copy.parent().expect("a file has a folder"))?;
    fs::write(&copy, &file.content).with_context(|| format!("writing {}", copy.display()))
}

/// Whether git tracks `path` and it has no changes since the last commit.
/// Without git, or outside a repository: no.
fn committed(root: &Path, path: &Path) -> bool {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .arg("--")
            .arg(path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    git(&["ls-files", "--error-unmatch"]) && git(&["diff", "--quiet", "HEAD"])
}

/// Copies of files about to be replaced, in `target/backups/<UTC time>/`.
pub struct Backups {
    root: PathBuf,
    dir: Option<PathBuf>,
}

impl Backups {
    pub fn new(root: &Path) -> Self {
        Backups {
            root: root.to_path_buf(),
            dir: None,
        }
    }

    /// The folder the copies went into, if any were made.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Copies `path` (relative to the root) into the backup folder; returns
    /// where, relative to the root.
    pub fn save(&mut self, path: &Path) -> Result<PathBuf> {
        let dir = match &self.dir {
            Some(dir) => dir.clone(),
            None => {
                let dir = self.new_dir()?;
                self.dir = Some(dir.clone());
                dir
            }
        };
        let copy = dir.join(path);
        fs::create_dir_all(self.root.join(copy.parent().expect("a file has a folder")))?;
        fs::copy(self.root.join(path), self.root.join(&copy))
            .with_context(|| format!("backing up {} to {}", path.display(), copy.display()))?;
        Ok(copy)
    }

    /// A new folder named by the time (a suffix when one exists already).
    fn new_dir(&self) -> Result<PathBuf> {
        let stamp = utc_stamp(SystemTime::now());
        for n in 0.. {
            let name = if n == 0 {
                stamp.clone()
            } else {
                format!("{stamp}-{n}")
            };
            let dir = Path::new(BACKUPS).join(name);
            let full = self.root.join(&dir);
            fs::create_dir_all(full.parent().expect("backups has a parent"))?;
            match fs::create_dir(&full) {
                Ok(()) => return Ok(dir),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e).with_context(|| format!("creating {}", full.display())),
            }
        }
        unreachable!("some suffix is free")
    }
}

/// `2026-11-23T08-31-27Z`: sorts by time, and is a valid file name everywhere.
fn utc_stamp(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}-{:02}-{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// `current` with the function `name` taken from `stub` instead; `None`
/// when either lacks it. A function runs from its `fn` line to the first
/// line that closes it at the same indent, as `cargo fmt` writes it.
pub fn replace_fn(current: &str, stub: &str, name: &str) -> Option<String> {
    let (from, to) = fn_lines(current, name)?;
    let (stub_from, stub_to) = fn_lines(stub, name)?;
    let lines: Vec<&str> = current.lines().collect();
    let stub_lines: Vec<&str> = stub.lines().collect();
    let mut out: Vec<&str> = lines[..from].to_vec();
    out.extend(&stub_lines[stub_from..=stub_to]);
    out.extend(&lines[to + 1..]);
    Some(out.join("\n") + if current.ends_with('\n') { "\n" } else { "" })
}

/// The first and last line of `fn name`.
pub(super) fn fn_lines(source: &str, name: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines.iter().position(|l| {
        let l = l.trim_start();
        let l = l.strip_prefix("pub ").unwrap_or(l);
        l.strip_prefix("fn ")
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|rest| rest.starts_with(['(', '<']))
    })?;
    let line = lines[start];
    if line.trim_end().ends_with('}') && line.matches('{').count() == line.matches('}').count() {
        return Some((start, start)); // a one-line function
    }
    let closing = format!("{}}}", &line[..line.len() - line.trim_start().len()]);
    let end = lines[start..]
        .iter()
        .position(|l| l.trim_end() == closing)?;
    Some((start, start + end))
}

/// The name nearest to `wanted` by edit distance, if any is near enough to
/// be a likely typo.
pub fn closest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    names
        .map(|n| (strsim::levenshtein(wanted, n), n))
        .filter(|&(d, n)| d <= n.len().max(wanted.len()) / 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn backup_folders_are_named_by_utc_time() {
        let t = UNIX_EPOCH + Duration::from_secs(1_795_940_287); // 2026-11-29 08:18:07 UTC
        assert_eq!(utc_stamp(t), "2026-11-29T08-18-07Z");
        assert_eq!(utc_stamp(UNIX_EPOCH), "1970-01-01T00-00-00Z");
    }

    #[test]
    fn one_function_is_replaced_and_its_neighbours_kept() {
        let current = "use x;\n\npub fn a() -> u8 {\n    1\n}\n\npub fn b() {\n    if true {\n        mine();\n    }\n}\n";
        let stub = "use x;\n\npub fn a() -> u8 {\n    todo!()\n}\n\npub fn b() {\n    todo!()\n}\n";
        let reset = replace_fn(current, stub, "b").unwrap();
        assert_eq!(
            reset,
            "use x;\n\npub fn a() -> u8 {\n    1\n}\n\npub fn b() {\n    todo!()\n}\n"
        );
        assert_eq!(replace_fn(current, stub, "c"), None);
    }

    #[test]
    fn a_typo_suggests_the_nearest_name() {
        let names = ["parallel_sum", "run_jobs", "count_words"];
        assert_eq!(
            closest("paralel_sum", names.into_iter()),
            Some("parallel_sum")
        );
        assert_eq!(closest("zzzzzzzz", names.into_iter()), None);
    }
}
