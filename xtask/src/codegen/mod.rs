//! `cargo xtask gen`: every derived copy comes from `chapters/NN-slug.md`
//! (the format is in chapters/AUTHORING.md), one file here per artefact:
//! [`chapter`] reads a chapter, [`notebook`] builds the two notebooks,
//! [`crates`] the `exercises` and `solutions` modules.
//!
//! Learners work in some of these files (`exercises/src/`, the student
//! notebooks): [`learner`] tells their work from `gen`'s own copies, and
//! nothing here overwrites a file that is not `gen`'s own without a backup.

pub mod chapter;
mod crates;
mod declarations;
mod learner;
#[cfg(test)]
mod messages;
pub mod notebook;
#[cfg(test)]
mod shown_answers;
#[cfg(test)]
mod student_notebooks;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use chapter::ChapterCopy;
pub use learner::closest;
use learner::{Backups, Hashes, State};
pub use notebook::{WORKBOOK_DEP, workbook_dep_with};

/// What `gen` does with a file that differs from what the chapters generate.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum GenMode {
    /// Rewrite `gen`'s own copies; leave a learner's work alone (and say so).
    Write,
    /// Change nothing; fail on stale or hand-edited copies, mention a learner's work.
    Check,
    /// Rewrite everything, a learner's work too, after backing it up.
    Force,
}

/// One derived file: where it goes and what it must hold.
struct Generated {
    /// Relative to the workspace root, e.g. `exercises/src/ch01_threads.rs`.
    path: PathBuf,
    content: String,
}

impl Generated {
    /// Learners write in these: the `exercises` crate and the student notebooks.
    fn is_learners(&self) -> bool {
        let path = self.path.to_string_lossy();
        path.starts_with("exercises/")
            || (path.ends_with(".ipynb") && !path.ends_with("-solved.ipynb"))
    }
}

/// Writes or checks every derived file, printing what it did; backups go
/// into `target` (cargo's target folder). Returns the files kept as a
/// learner's work.
pub fn r#gen(root: &Path, target: &Path, mode: GenMode) -> Result<Vec<String>> {
    gen_telling(root, target, mode, &mut std::io::stdout())
}

/// [`r#gen`], telling `out` what it did.
fn gen_telling(
    root: &Path,
    target: &Path,
    mode: GenMode,
    out: &mut impl Write,
) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    let mut edited = Vec::new();
    let mut kept = Vec::new();
    let mut written = 0;
    let mut backups = Backups::new(root, target);
    let files = generated(root)?;
    let hashes = Hashes::read(root);
    for file in &files {
        let state = learner::state(root, file, &hashes);
        let shown = file.path.display().to_string();
        if mode == GenMode::Check {
            match state {
                State::Fresh => {}
                State::Stale => stale.push(shown),
                State::Missing => stale.push(format!("{shown} (missing)")),
                State::Edited => edited.push(shown),
                State::Work => kept.push(shown),
            }
            continue;
        }
        let backup = match state {
            State::Fresh => continue,
            State::Work if mode == GenMode::Write => {
                kept.push(shown);
                continue;
            }
            State::Missing | State::Stale => None,
            // Not what a `gen` wrote: keep a copy before replacing it.
            State::Edited | State::Work => Some(backups.save(&file.path)?),
        };
        write(root, &file.path, &file.content)?;
        written += 1;
        match backup {
            Some(b) => writeln!(out, "wrote {shown} (the old copy is in {})", b.display())?,
            None => writeln!(out, "wrote {shown}")?,
        }
    }
    // The hashes of what gen writes now, kept files included: a file is
    // gen's own when it holds what a gen wrote, whether it was written or not.
    let manifest = Hashes::of(&files);
    let list = |paths: &[String]| paths.iter().map(|p| format!("\n  {p}")).collect::<String>();
    if mode == GenMode::Check {
        if Hashes::read(root) != manifest {
            stale.push(learner::MANIFEST.to_string());
        }
        let mut problems = Vec::new();
        if !stale.is_empty() {
            problems.push(format!(
                "these files are stale: chapters/ changed since they were generated:{}",
                list(&stale)
            ));
        }
        if !edited.is_empty() {
            problems.push(format!(
                "these files were edited by hand: they hold neither what chapters/ generates \
                 nor what `gen` last wrote:{}\n\
                 Make the change in chapters/ instead: `gen` replaces these files after copying \
                 each to {}/<time>/.",
                list(&edited),
                backups_shown(root, target)
            ));
        }
        if !problems.is_empty() {
            bail!(
                "{}\nRun `cargo xtask gen` to regenerate them \
                 (it leaves a learner's answers and notebook edits alone).",
                problems.join("\n")
            );
        }
        writeln!(out, "gen --check: every generated file is up to date")?;
        if !kept.is_empty() {
            writeln!(
                out,
                "gen --check: these hold a learner's answers or notebook edits (not stale copies), which gen keeps:{}",
                list(&kept)
            )?;
        }
        return Ok(kept);
    }
    if Hashes::read(root) != manifest {
        write(root, Path::new(learner::MANIFEST), &manifest.text())?;
    }
    writeln!(
        out,
        "gen: {written} file(s) written, {} unchanged, {} kept as a learner's work",
        files.len() - written - kept.len(),
        kept.len()
    )?;
    if let Some(dir) = backups.dir() {
        writeln!(
            out,
            "gen: the files it replaced are saved in {}",
            dir.display()
        )?;
    }
    if !kept.is_empty() {
        writeln!(
            out,
            "gen: kept {} file(s) as they are, because they hold your answers or notebook edits:{}\n\
             To replace them with what chapters/ generates anyway, run `cargo xtask gen --force`: \
             it first copies each to {}/<time>/. `cargo xtask reset NAME` restores one exercise's stub.",
            kept.len(),
            list(&kept),
            backups_shown(root, target)
        )?;
    }
    Ok(kept)
}

/// Where backups go, for messages: relative to the root when inside it.
fn backups_shown(root: &Path, target: &Path) -> String {
    let dir = target.join("backups");
    dir.strip_prefix(root).unwrap_or(&dir).display().to_string()
}

/// Restores one exercise's stub in `exercises/src/`, after backing up the
/// learner's version (into `target`); the other exercises of the module stay
/// as they are, byte for byte.
pub fn reset(root: &Path, target: &Path, exercise: &str) -> Result<()> {
    let chapters = chapter::read_all(root)?;
    let Some(chapter) = chapters.iter().find(|c| c.exercises().contains(&exercise)) else {
        let names = chapters.iter().flat_map(|c| c.exercises());
        bail!(
            "there is no exercise named `{}`{}",
            crate::shown(exercise),
            learner::closest(exercise, names)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default()
        );
    };
    let path = PathBuf::from(format!("exercises/src/{}.rs", chapter.module()));
    let stub = crates::module_source(chapter, ChapterCopy::Student)?;
    let Ok(current) = fs::read_to_string(root.join(&path)) else {
        write(root, &path, &stub)?;
        println!("reset: wrote {} (it was missing)", path.display());
        return Ok(());
    };
    let others: Vec<&str> = chapter
        .exercises()
        .into_iter()
        .filter(|&e| e != exercise)
        .collect();
    let restored = learner::replace_fn(&current, &stub, exercise, &others).map_err(|why| {
        anyhow!(
            "cannot reset `{exercise}` in {}: {why}. Nothing was changed. \
             `cargo xtask gen --force` restores the whole file after copying it to {}/<time>/",
            path.display(),
            backups_shown(root, target)
        )
    })?;
    if restored == current {
        println!(
            "reset: `{exercise}` in {} is already the stub",
            path.display()
        );
        return Ok(());
    }
    let backup = Backups::new(root, target).save(&path)?;
    write(root, &path, &restored)?;
    println!(
        "reset: `{exercise}` in {} is the stub again; your version of the file is saved in {}",
        path.display(),
        backup.display()
    );
    Ok(())
}

/// Writes the outputs of an executed solved notebook (`NN-slug-solved.ipynb`,
/// anywhere) into `notebooks/`, in the generator's layout. It writes that
/// solved notebook, and its hash into `xtask/generated.sha256`.
pub fn save_notebook(root: &Path, executed: &Path) -> Result<()> {
    let name = executed
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = name
        .strip_suffix("-solved.ipynb")
        .filter(|s| chapter::chapter_number(s).is_some())
        .ok_or_else(|| {
            anyhow!(
                "{}: only a solved notebook (NN-slug-solved.ipynb) keeps its outputs",
                executed.display()
            )
        })?;
    let source = root.join("chapters").join(format!("{stem}.md"));
    if !source.exists() {
        bail!(
            "{}: no chapter {} to save it against",
            executed.display(),
            source.display()
        );
    }
    let chapter = chapter::parse(&source)?;
    let deps = notebook::workspace_deps(root)?;
    let outputs = read_json(executed)?;
    let mut nb = notebook::notebook(&deps, &chapter, ChapterCopy::Solved)?;
    notebook::keep_outputs(&mut nb, &outputs);
    let path = PathBuf::from("notebooks").join(name);
    let content = notebook::to_json(&nb);
    write(root, &path, &content)?;
    let mut hashes = Hashes::read(root);
    hashes.record(&path, &content);
    write(root, Path::new(learner::MANIFEST), &hashes.text())?;
    println!("saved {}", path.display());
    Ok(())
}

/// Every derived file, with the content it must have. A solved notebook
/// keeps the outputs of its current copy.
fn generated(root: &Path) -> Result<Vec<Generated>> {
    let chapters = chapter::read_all(root)?;
    let deps = notebook::workspace_deps(root)?;
    let mut out = Vec::new();
    let mut add = |path: String, content: String| {
        out.push(Generated {
            path: PathBuf::from(path),
            content,
        })
    };
    for c in &chapters {
        let student = notebook::notebook(&deps, c, ChapterCopy::Student)?;
        add(
            format!("notebooks/{}.ipynb", c.stem),
            notebook::to_json(&student),
        );
        let solved_path = format!("notebooks/{}-solved.ipynb", c.stem);
        let mut solved = notebook::notebook(&deps, c, ChapterCopy::Solved)?;
        if let Ok(old) = read_json(&root.join(&solved_path)) {
            notebook::keep_outputs(&mut solved, &old);
        }
        add(solved_path, notebook::to_json(&solved));
        if !c.exercises().is_empty() {
            let file = format!("src/{}.rs", c.module());
            add(
                format!("exercises/{file}"),
                crates::module_source(c, ChapterCopy::Student)?,
            );
            add(
                format!("solutions/{file}"),
                crates::module_source(c, ChapterCopy::Solved)?,
            );
        }
    }
    declarations::check_solutions_manifest(root, &chapters)?;
    add(
        declarations::EXERCISES_FILE.into(),
        declarations::exercises_source(root, &chapters)?,
    );
    add(
        declarations::EXERCISES_MANIFEST.into(),
        declarations::exercises_manifest(&chapters),
    );
    add(
        crate::protocol::PYTHON_MODULE.into(),
        crate::protocol::python_module(),
    );
    add(
        "exercises/src/lib.rs".into(),
        crates::lib_source(&chapters, ChapterCopy::Student)?,
    );
    add(
        "solutions/src/lib.rs".into(),
        crates::lib_source(&chapters, ChapterCopy::Solved)?,
    );
    Ok(out)
}

fn read_json(path: &Path) -> Result<Value> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// The one place a generated file is written (`path` is relative to `root`).
fn write(root: &Path, path: &Path, content: &str) -> Result<()> {
    let full = root.join(path);
    if let Some(dir) = full.parent() {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    fs::write(&full, content).with_context(|| format!("writing {}", full.display()))
}
