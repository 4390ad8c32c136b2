//! House rules for the workspace's own code, checked by `cargo test`:
//! no hand-written source file over [`MOST_LINES`] lines, and no import
//! circle between sibling modules (a module that uses one that uses it
//! back): each such file or circle is a sign that one job is spread out,
//! or that two jobs share a file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The longest a hand-written source file may be.
const MOST_LINES: usize = 400;

/// The crates whose modules are checked for circles.
const CRATES: &[&str] = &["xtask", "workbook", "bench", "worker", "mpi-programs"];

/// Every `.rs` and `.py` file under `dir`, at any depth.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                sources(&path, out);
            }
        } else if name.ends_with(".rs") || name.ends_with(".py") {
            out.push(path);
        }
    }
}

/// The files `cargo xtask gen` writes (their hashes are in `xtask/generated.sha256`).
fn generated(root: &Path) -> BTreeSet<PathBuf> {
    let list = fs::read_to_string(root.join("xtask/generated.sha256")).unwrap_or_default();
    list.lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .map(|rel| root.join(rel))
        .collect()
}

/// A module's path inside its crate, from its file: `src/book/page.rs` is
/// `["book", "page"]`, `src/book/mod.rs` and `src/lib.rs` are `["book"]` and `[]`.
fn module_path(src: &Path, file: &Path) -> Option<Vec<String>> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?.strip_suffix(".rs")?.to_string();
    if !matches!(last.as_str(), "mod" | "lib" | "main") {
        parts.push(last);
    }
    Some(parts)
}

/// The module paths a file names: `crate::a::b` and `super::a` in `use`
/// lines (brace lists included) and in code.
fn named_paths(text: &str, here: &[String]) -> Vec<Vec<String>> {
    // Comments name modules in doc links without using them. Not seen:
    // `/* */` comments and string literals (read as code), uses through
    // macros or through the crate root's `pub use`, and `super::` inside an
    // inline `mod name { }` (read as the file's own `super::`).
    let code: String = text
        .lines()
        .map(|l| format!("{}\n", l.split("//").next().unwrap_or_default()))
        .collect();
    let text = code.as_str();
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for (start, prefix) in text
        .match_indices("crate::")
        .chain(text.match_indices("super::"))
    {
        // Only whole words (not `workbook_crate::`), and a chain
        // `super::super::` once, from its start.
        if start > 0
            && (bytes[start - 1].is_ascii_alphanumeric() || b"_:".contains(&bytes[start - 1]))
        {
            continue;
        }
        let base: Vec<String> = if prefix == "crate::" {
            Vec::new()
        } else {
            here[..here.len().saturating_sub(1)].to_vec()
        };
        let rest = &text[start + prefix.len()..];
        for tail in expand(rest) {
            let ups = tail.iter().take_while(|p| *p == "super").count();
            let mut path = base[..base.len().saturating_sub(ups)].to_vec();
            path.extend(tail.into_iter().skip(ups));
            found.push(path);
        }
    }
    found
}

/// The paths a `use` tail stands for: `a::b`, or `{a, b::{c, d}}` (braces
/// at any depth); a path ends where its words do (`a::b(`, `a::<T>`, `a as`).
fn expand(rest: &str) -> Vec<Vec<String>> {
    use_tree(rest).0
}

/// The paths of the use tree at the start of `text`, and its length in bytes.
fn use_tree(text: &str) -> (Vec<Vec<String>>, usize) {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut prefix = Vec::new();
    let mut at = 0;
    loop {
        let skipped = text[at..].len() - text[at..].trim_start().len();
        let word: String = text[at + skipped..]
            .chars()
            .take_while(|&c| is_word(c))
            .collect();
        if word.is_empty() {
            break;
        }
        at += skipped + word.len();
        prefix.push(word);
        match text[at..].trim_start().strip_prefix("::") {
            Some(after) => at = text.len() - after.len(),
            None => break,
        }
    }
    let Some(list) = text[at..].trim_start().strip_prefix('{') else {
        let paths = if prefix.is_empty() {
            vec![]
        } else {
            vec![prefix]
        };
        return (paths, at);
    };
    // A brace list: each item a use tree of its own, after the shared prefix.
    let mut at = text.len() - list.len();
    let mut paths = Vec::new();
    loop {
        let (items, used) = use_tree(&text[at..]);
        paths.extend(
            items
                .into_iter()
                .map(|item| [prefix.clone(), item].concat()),
        );
        at += used;
        // Past what ends the item (`as name`, say) to its `,` or the `}`.
        match text[at..].find([',', '}']) {
            Some(end) if text[at + end..].starts_with(',') => at += end + 1,
            Some(end) => return (paths, at + end + 1),
            None => return (paths, text.len()),
        }
    }
}

/// Edges between sibling modules, by parent: `a::x` naming `a::y::z` is
/// the edge x → y under `a`. A module naming its parent or its own
/// children is not an edge.
fn sibling_edges(
    modules: &BTreeMap<Vec<String>, String>,
) -> BTreeSet<(Vec<String>, String, String)> {
    let known: BTreeSet<&Vec<String>> = modules.keys().collect();
    let mut edges = BTreeSet::new();
    for (here, text) in modules {
        for named in named_paths(text, here) {
            // The longest prefix of the named path that is a module.
            let target = (0..=named.len())
                .rev()
                .map(|n| named[..n].to_vec())
                .find(|p| known.contains(p))
                .unwrap_or_default();
            let common = here.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common < here.len() && common < target.len() {
                edges.insert((
                    here[..common].to_vec(),
                    here[common].clone(),
                    target[common].clone(),
                ));
            }
        }
    }
    edges
}

/// The circles among sibling modules, each as `parent: a → b → a`.
fn circles(edges: &BTreeSet<(Vec<String>, String, String)>) -> Vec<String> {
    let mut found = BTreeSet::new();
    let mut graphs: BTreeMap<&Vec<String>, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for (parent, from, to) in edges {
        graphs
            .entry(parent)
            .or_default()
            .entry(from)
            .or_default()
            .push(to);
    }
    for (parent, graph) in &graphs {
        for &start in graph.keys() {
            // Depth-first from `start`, looking for a way back to it.
            let mut stack = vec![(start, vec![start])];
            let mut seen = BTreeSet::new();
            while let Some((node, path)) = stack.pop() {
                for &next in graph.get(node).into_iter().flatten() {
                    if next == start {
                        let mut circle = path.clone();
                        // One name per circle, whichever module it starts from.
                        let least = circle
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, m)| **m)
                            .unwrap()
                            .0;
                        circle.rotate_left(least);
                        circle.push(circle[0]);
                        let parent = if parent.is_empty() {
                            "crate".to_string()
                        } else {
                            parent.join("::")
                        };
                        found.insert(format!("{parent}: {}", circle.join(" → ")));
                    } else if seen.insert(next) {
                        let mut longer = path.clone();
                        longer.push(next);
                        stack.push((next, longer));
                    }
                }
            }
        }
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        crate::root()
    }

    #[test]
    fn no_hand_written_source_file_is_over_the_limit() {
        let root = root();
        let generated = generated(&root);
        let mut files = Vec::new();
        sources(&root, &mut files);
        assert!(files.len() > 50, "only {} source files found", files.len());
        let long: Vec<(String, usize)> = files
            .iter()
            .filter(|f| !generated.contains(*f))
            .filter_map(|f| {
                let lines = fs::read_to_string(f).ok()?.lines().count();
                let rel = f.strip_prefix(&root).unwrap_or(f);
                let rel = rel.to_string_lossy().replace('\\', "/");
                (lines > MOST_LINES).then_some((rel, lines))
            })
            .collect();
        let mut long: Vec<String> = long
            .iter()
            .map(|(f, n)| format!("{f}: {n} lines"))
            .collect();
        long.sort();
        assert!(
            long.is_empty(),
            "hand-written files over {MOST_LINES} lines (split them by job):\n  {}",
            long.join("\n  ")
        );
    }

    #[test]
    fn no_module_uses_a_sibling_that_uses_it_back() {
        let root = root();
        let mut all = Vec::new();
        for krate in CRATES {
            let src = root.join(krate).join("src");
            let mut files = Vec::new();
            sources(&src, &mut files);
            assert!(!files.is_empty(), "no sources in {}", src.display());
            let modules: BTreeMap<Vec<String>, String> = files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "rs"))
                .filter(|f| !f.starts_with(src.join("bin")))
                .filter_map(|f| Some((module_path(&src, f)?, fs::read_to_string(f).ok()?)))
                .collect();
            all.extend(
                circles(&sibling_edges(&modules))
                    .into_iter()
                    .map(|c| format!("{krate} {c}")),
            );
        }
        assert!(all.is_empty(), "import circles:\n  {}", all.join("\n  "));
    }

    #[test]
    fn a_circle_between_siblings_is_found_and_parent_child_use_is_not_one() {
        let module = |path: &str, text: &str| {
            let path = path
                .split('/')
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect();
            (path, text.to_string())
        };
        let modules: BTreeMap<Vec<String>, String> = [
            module("", "mod book; mod child; fn f() { crate::book::run(); }"),
            module(
                "book",
                "mod page; mod output; use crate::child; pub fn run() {}",
            ),
            module("book/page", "use super::{output::outputs, run};"),
            module("book/output", "use super::page::text;"),
            module(
                "child",
                "/// Not [`crate::book`]: a comment.\npub fn output() {}",
            ),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            circles(&sibling_edges(&modules)),
            ["book: output → page → output"]
        );
    }

    #[test]
    fn use_trees_nest_and_super_chains_climb_one_level_each() {
        let here: Vec<String> = ["a", "b", "c"].map(String::from).into();
        let named = |text: &str| -> Vec<String> {
            named_paths(text, &here)
                .iter()
                .map(|p| p.join("::"))
                .collect()
        };
        assert_eq!(named("use super::super::d::e;"), ["a::d::e"]);
        assert_eq!(named("use super::{d, e::f};"), ["a::b::d", "a::b::e::f"]);
        assert_eq!(
            named("use crate::{x::{self, y as z}, w};"),
            ["x::self", "x::y", "w"]
        );
        assert_eq!(
            named("let n = crate::x::len::<u8>(); // crate::y"),
            ["x::len"]
        );
        assert_eq!(named("use workbook_crate::x;"), Vec::<String>::new());
    }

    #[test]
    fn module_paths_follow_rusts_file_layout() {
        let src = Path::new("/x/src");
        let path = |f: &str| module_path(src, &src.join(f)).unwrap();
        assert_eq!(path("lib.rs"), Vec::<String>::new());
        assert_eq!(path("book/mod.rs"), ["book"]);
        assert_eq!(path("book/page.rs"), ["book", "page"]);
    }
}
