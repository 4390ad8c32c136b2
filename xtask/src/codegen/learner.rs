//! A learner's work in generated files, told apart from `gen`'s own copies.
//!
//! A file is `gen`'s own only when its bytes are what a `gen` wrote: the
//! SHA-256 of each generated file's content is kept in
//! `xtask/generated.sha256` (committed, in `sha256sum`'s format, rewritten
//! by `gen` and checked by `gen --check`). A file that differs from what the
//! chapters generate and from that hash holds someone's edits: a learner's
//! answers in `exercises/src/`, outputs or cells in a student notebook (kept
//! by `gen`), or a hand edit elsewhere (backed up before `gen` replaces it).
//! Line endings do not count: a CRLF checkout of a generated file is that file.

use std::collections::BTreeMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use sha2::{Digest, Sha256};

use super::Generated;

/// The hashes of what `gen` writes, relative to the workspace root.
pub const MANIFEST: &str = "xtask/generated.sha256";
/// Where replaced files go, one folder per command run, in cargo's target folder.
const BACKUPS: &str = "backups";

pub enum State {
    /// Holds exactly what the chapters generate.
    Fresh,
    Missing,
    /// What `gen` wrote from an older chapter source: replacing it loses nothing.
    Stale,
    /// A learner's answers or notebook edits, in a file learners write in.
    Work,
    /// Edited by hand, in a file learners do not write in (a solved
    /// notebook, `solutions/`).
    Edited,
}

pub fn state(root: &Path, file: &Generated, hashes: &Hashes) -> State {
    let Ok(current) = fs::read(root.join(&file.path)) else {
        return State::Missing;
    };
    let current = lf(&current);
    if current == file.content.as_bytes() {
        State::Fresh
    } else if hashes.holds(&file.path, &current) {
        State::Stale
    } else if file.is_learners() {
        State::Work
    } else {
        State::Edited
    }
}

/// `bytes` with CRLF line endings made LF, as `gen` writes them.
fn lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            out.push(b);
        }
    }
    out
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The content hash of each file `gen` wrote, by path (`/`-separated).
#[derive(Default, PartialEq, Debug)]
pub struct Hashes(BTreeMap<String, String>);

impl Hashes {
    /// What `xtask/generated.sha256` holds; nothing when it is missing or
    /// unreadable (then no file is taken for `gen`'s own).
    pub fn read(root: &Path) -> Self {
        let text = fs::read_to_string(root.join(MANIFEST)).unwrap_or_default();
        Hashes(
            text.lines()
                .filter_map(|line| line.split_once("  "))
                .map(|(hash, path)| (path.to_string(), hash.to_string()))
                .collect(),
        )
    }

    /// The hashes of `files`' contents.
    pub fn of<'a>(files: impl IntoIterator<Item = &'a Generated>) -> Self {
        let mut hashes = Hashes::default();
        for file in files {
            hashes.record(&file.path, &file.content);
        }
        hashes
    }

    pub fn record(&mut self, path: &Path, content: &str) {
        self.0.insert(key(path), sha256(content.as_bytes()));
    }

    fn holds(&self, path: &Path, bytes: &[u8]) -> bool {
        self.0.get(&key(path)) == Some(&sha256(bytes))
    }

    /// The file's text, as `sha256sum` writes it (so `sha256sum -c` checks it).
    pub fn text(&self) -> String {
        self.0
            .iter()
            .map(|(path, hash)| format!("{hash}  {path}\n"))
            .collect()
    }
}

fn key(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Copies of files about to be replaced, in `<target>/backups/<UTC time>/`.
pub struct Backups {
    root: PathBuf,
    /// Cargo's target folder, where the backups folder is.
    target: PathBuf,
    /// This run's folder, once a copy was made.
    dir: Option<PathBuf>,
}

impl Backups {
    pub fn new(root: &Path, target: &Path) -> Self {
        Backups {
            root: root.to_path_buf(),
            target: target.to_path_buf(),
            dir: None,
        }
    }

    /// The folder the copies went into, if any were made, for messages.
    pub fn dir(&self) -> Option<PathBuf> {
        self.dir.as_deref().map(|d| self.shown(d))
    }

    /// Copies `path` (relative to the root) into the backup folder; returns
    /// where, relative to the root when it is inside it.
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
        let folder = copy.parent().expect("a file has a folder");
        fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
        fs::copy(self.root.join(path), &copy).with_context(|| {
            format!(
                "backing up {} to {}; nothing was replaced without a copy",
                path.display(),
                self.shown(&copy).display()
            )
        })?;
        Ok(self.shown(&copy))
    }

    fn shown(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }

    /// A new folder named by the time (a suffix when one exists already).
    fn new_dir(&self) -> Result<PathBuf> {
        let backups = self.target.join(BACKUPS);
        let unusable = |e: std::io::Error| {
            anyhow::anyhow!(
                "cannot make a folder for backups in {} ({e}), so nothing was replaced without a copy. \
                 Make {0} a folder you can write to (move away any file of that name), then run the command again.",
                self.shown(&backups).display()
            )
        };
        fs::create_dir_all(&backups).map_err(unusable)?;
        let stamp = utc_stamp(SystemTime::now());
        for n in 0.. {
            let name = if n == 0 {
                stamp.clone()
            } else {
                format!("{stamp}-{n}")
            };
            let dir = backups.join(name);
            match fs::create_dir(&dir) {
                Ok(()) => return Ok(dir),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(unusable(e)),
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

/// `current` with the function `name` taken from `stub` instead (in
/// `current`'s line endings), every other byte kept; `others` are the
/// file's other exercises, which must come out as they went in. Otherwise
/// the reason it cannot be done.
pub fn replace_fn(
    current: &str,
    stub: &str,
    name: &str,
    others: &[&str],
) -> Result<String, String> {
    let span = fn_span(current, name)
        .map_err(|e| {
            format!(
                "its braces, brackets, parentheses or quotes do not pair up (line {})",
                e.span().start().line
            )
        })?
        .ok_or_else(|| format!("it has no `fn {name}`"))?;
    let stub_span = fn_span(stub, name)
        .ok()
        .flatten()
        .ok_or_else(|| format!("the chapter's stub has no `fn {name}`"))?;
    let mut function = stub[stub_span].to_string();
    if current.contains("\r\n") {
        function = function.replace('\n', "\r\n");
    }
    let out = format!(
        "{}{function}{}",
        &current[..span.start],
        &current[span.end..]
    );
    // A safety net: the other exercises are there, as they were.
    let text_of = |source: &str, name: &str| -> Option<String> {
        let span = fn_span(source, name).ok()??;
        Some(source[span].to_string())
    };
    for other in others {
        let before = text_of(current, other);
        if before.is_some() && text_of(&out, other) != before {
            return Err(format!("`{other}` would not stay as it is"));
        }
    }
    Ok(out)
}

/// Where the top-level `fn name` is in `source`, as a byte range from its
/// `pub` (or `fn`) to its closing brace, found from Rust's tokens: braces
/// in strings, characters and comments do not count, and the closing brace
/// may share its line with code. `Err` when the tokens do not pair up.
pub(super) fn fn_span(
    source: &str,
    name: &str,
) -> Result<Option<Range<usize>>, proc_macro2::LexError> {
    let tokens: Vec<TokenTree> = source.parse::<TokenStream>()?.into_iter().collect();
    let is = |t: &TokenTree, word: &str| matches!(t, TokenTree::Ident(i) if i == word);
    let Some(at) = (0..tokens.len())
        .find(|&i| is(&tokens[i], "fn") && tokens.get(i + 1).is_some_and(|t| is(t, name)))
    else {
        return Ok(None);
    };
    let Some(body) = tokens[at..]
        .iter()
        .find(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace))
    else {
        return Ok(None);
    };
    // Back over what may come before `fn`: `pub`, `pub(crate)`, `const`,
    // `async`, `unsafe`, `extern "C"`.
    let mut first = at;
    while first > 0 {
        let before = tokens.get(first.wrapping_sub(2));
        let qualifies = match &tokens[first - 1] {
            TokenTree::Ident(i) => ["pub", "const", "async", "unsafe", "extern"]
                .iter()
                .any(|w| i == w),
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Parenthesis && before.is_some_and(|t| is(t, "pub"))
            }
            TokenTree::Literal(_) => before.is_some_and(|t| is(t, "extern")),
            TokenTree::Punct(_) => false,
        };
        if !qualifies {
            break;
        }
        first -= 1;
    }
    Ok(Some(
        tokens[first].span().byte_range().start..body.span().byte_range().end,
    ))
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
        let reset = replace_fn(current, stub, "b", &["a"]).unwrap();
        assert_eq!(
            reset,
            "use x;\n\npub fn a() -> u8 {\n    1\n}\n\npub fn b() {\n    todo!()\n}\n"
        );
        assert!(replace_fn(current, stub, "c", &[]).is_err());
    }

    #[test]
    fn unpaired_braces_are_refused_naming_the_line() {
        let current = "pub fn a() {\n    1\n}\n\npub fn b() {\n    \"open\n";
        let stub = "pub fn a() {\n    todo!()\n}\n";
        let why = replace_fn(current, stub, "a", &["b"]).unwrap_err();
        assert!(why.contains("do not pair up (line 6)"), "{why}");
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
