//! Compiling answers: the instructor's `workbook` and the crates answers may
//! use, once, by cargo, into a shared folder ([`Shared`]); then, per learner
//! and source, one small `rustc` run in the sandbox ([`compile`]) over a tree
//! the grader writes: the chapters' modules (the learner's file, their
//! notebook's cells, or the `todo!()` stubs) and a `main` that grades the one
//! exercise it is given. A file that does not compile is replaced by its
//! stubs and the rest compiled again, so it costs only its own exercises.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::rustc::rustc;
use super::sandbox::Sandbox;
use super::submission::{Answer, stub_cells};
use crate::child::{self, MINUTE};
use crate::codegen::chapter::Chapter;

/// The crates an answer may use, as the `exercises` crate's manifest has them.
const CRATES: [&str; 4] = ["workbook", "rayon", "crossbeam", "rand"];

/// The instructor's compiled crates, the toolchain and the linker.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Shared {
    pub deps: PathBuf,
    pub externs: Vec<(String, String)>,
    pub toolchain: PathBuf,
    pub linker: PathBuf,
}

/// Builds `workbook` (with chapter 11's `loom`) and the crates answers use,
/// with the test profile (opt-level 1), into `dir`, as the `solutions` crate uses them.
pub fn shared(root: &Path, dir: &Path) -> Result<Shared> {
    let versions = versions(root)?;
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root)
        .env("CARGO_TARGET_DIR", dir)
        .args(["build", "--profile", "test", "--message-format=json"])
        // The reference answers' crate depends on exactly what answers may use.
        .args(["-p", "solutions", "--lib"]);
    println!("[class] compiling the workbook crate and its dependencies once, for every learner");
    let out = child::output(&mut cmd, 60 * MINUTE)?;
    if !out.status.success() {
        bail!(
            "cargo could not build the workbook crate:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let deps = dir.join("debug");
    let mut externs = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let name = msg["target"]["name"].as_str().unwrap_or_default();
        let id = msg["package_id"].as_str().unwrap_or_default();
        let ours = match versions.get(name) {
            Some(version) => id.ends_with(&format!("#{name}@{version}")),
            None => name == "workbook" && id.starts_with("path+"),
        };
        if msg["reason"] != "compiler-artifact" || !ours {
            continue;
        }
        let rlib = msg["filenames"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str);
        if let Some(file) = rlib.into_iter().find(|f| f.ends_with(".rlib")) {
            let file = Path::new(file)
                .strip_prefix(&deps)
                .unwrap_or(Path::new(file));
            externs.push((name.to_string(), file.to_string_lossy().into_owned()));
        }
    }
    let found: BTreeSet<&str> = externs.iter().map(|(n, _)| n.as_str()).collect();
    let missing: Vec<&str> = CRATES.into_iter().filter(|c| !found.contains(c)).collect();
    if !missing.is_empty() {
        bail!("cargo built no library for {}", missing.join(", "));
    }
    let sysroot = child::first_line(
        Command::new("rustc")
            .current_dir(root)
            .args(["--print", "sysroot"]),
    )
    .context("`rustc --print sysroot` did not run")?;
    Ok(Shared {
        deps,
        externs,
        toolchain: PathBuf::from(sysroot),
        linker: fs::canonicalize("/usr/bin/cc").unwrap_or_else(|_| PathBuf::from("cc")),
    })
}

/// The registry crates' versions, from the root manifest's `[workspace.dependencies]`.
fn versions(root: &Path) -> Result<BTreeMap<String, String>> {
    let path = root.join("Cargo.toml");
    let text = fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    let manifest: toml::Table = text.parse().with_context(|| path.display().to_string())?;
    let deps = &manifest["workspace"]["dependencies"];
    let mut versions = BTreeMap::new();
    for name in CRATES.into_iter().filter(|c| *c != "workbook") {
        let spec = &deps[name];
        let version = spec.as_str().or_else(|| spec.get("version")?.as_str());
        let version = version.with_context(|| format!("{name} has no version in Cargo.toml"))?;
        versions.insert(
            name.to_string(),
            version.trim_start_matches('=').to_string(),
        );
    }
    Ok(versions)
}

/// Where a chapter's answers come from, for one source of one learner.
pub enum Part {
    /// Its `exercises/src` module.
    File(Answer),
    /// Its notebook's exercise cells (a missing one is the stub), or why the notebook is unreadable.
    Cells(Result<BTreeMap<String, String>, String>),
}

/// A compiled source: the folder with its `grade` program, and the
/// exercises that could not be compiled, with why.
pub struct Compiled {
    pub dir: PathBuf,
    pub failed: BTreeMap<String, String>,
}

/// A file of the tree that holds a learner's code, and the exercises it answers.
struct Piece {
    file: String,
    exercises: Vec<String>,
}

/// Compiles `parts` (by chapter stem) with `chapters`' stubs for the rest, in `work`.
pub fn compile(
    sandbox: &Sandbox,
    slot: usize,
    shared: &Shared,
    chapters: &[Chapter],
    parts: &BTreeMap<String, Part>,
    work: &Path,
) -> Result<Compiled> {
    let src = work.join("src");
    let out = work.join("out");
    let mut failed = unreadable(chapters, parts);
    if !parts
        .values()
        .any(|p| matches!(p, Part::File(Ok(_)) | Part::Cells(Ok(_))))
    {
        // Nothing readable: every exercise handed in is already an error.
        return Ok(Compiled { dir: out, failed });
    }
    let mut stubbed = BTreeSet::new();
    for _ in 0..=chapters.len() * 4 {
        let _ = fs::remove_dir_all(work);
        fs::create_dir_all(&out)?;
        if let Some((uid, gid)) = sandbox.owner(slot) {
            workbook::platform::give_to(&out, uid, gid)?;
        }
        let (pieces, calls) = write_tree(&src, chapters, parts, &stubbed)?;
        let errors = rustc(sandbox, slot, shared, &src, &out)?;
        if errors.is_empty() {
            return Ok(Compiled { dir: out, failed });
        }
        let mut blamed = BTreeSet::new();
        for (file, line, message) in &errors {
            let piece = match file.as_str() {
                "main.rs" => calls
                    .get(line)
                    .and_then(|ex| pieces.iter().find(|p| p.exercises.contains(ex))),
                _ => pieces.iter().find(|p| &p.file == file),
            };
            if let Some(piece) = piece.filter(|p| blamed.insert(p.file.clone())) {
                for ex in &piece.exercises {
                    failed.insert(ex.clone(), format!("did not compile: {message}"));
                }
            }
        }
        if blamed.is_empty() {
            // Not traced to one file: every learner file is set aside.
            let (_, _, message) = &errors[0];
            if pieces.is_empty() {
                bail!("the workbook's own stubs did not compile: {message}");
            }
            for piece in &pieces {
                blamed.insert(piece.file.clone());
                for ex in &piece.exercises {
                    failed.insert(ex.clone(), format!("did not compile: {message}"));
                }
            }
        }
        stubbed.extend(blamed);
    }
    bail!("the answers still did not compile after every file was replaced by its stub")
}

/// The exercises of parts that could not be read, with why.
fn unreadable(chapters: &[Chapter], parts: &BTreeMap<String, Part>) -> BTreeMap<String, String> {
    let mut failed = BTreeMap::new();
    for chapter in chapters {
        let why = match parts.get(&chapter.stem) {
            Some(Part::File(Err(why)) | Part::Cells(Err(why))) => why,
            _ => continue,
        };
        for ex in chapter.exercises() {
            failed.insert(ex.to_string(), why.clone());
        }
    }
    failed
}

/// Writes `main.rs` and every chapter's module under `src`, learner files
/// in `stubbed` replaced by stubs. Returns the learner's pieces, and which
/// exercise each line of `main.rs` that calls a check is for.
fn write_tree(
    src: &Path,
    chapters: &[Chapter],
    parts: &BTreeMap<String, Part>,
    stubbed: &BTreeSet<String>,
) -> Result<(Vec<Piece>, BTreeMap<usize, String>)> {
    let mut pieces = Vec::new();
    let mut main = String::from("#![allow(warnings)]\n");
    let mut calls = Vec::new();
    for chapter in chapters.iter().filter(|c| !c.exercises().is_empty()) {
        let module = chapter.module();
        main.push_str(&format!("pub mod {module};\n"));
        calls.extend(
            chapter
                .exercises()
                .into_iter()
                .map(|ex| (ex.to_string(), chapter.check_call(ex, Some("crate")))),
        );
        let file = format!("{module}.rs");
        if let Some(Part::File(Ok(text))) = parts.get(&chapter.stem)
            && !stubbed.contains(&file)
        {
            write(src, &file, text)?;
            let exercises = chapter.exercises().into_iter().map(String::from).collect();
            pieces.push(Piece { file, exercises });
            continue;
        }
        // A module of cells, each in a file of its own that sees the others.
        let mut root = String::from("#![allow(unused_imports, unused_variables)]\n");
        let answered = match parts.get(&chapter.stem) {
            Some(Part::Cells(Ok(cells))) => cells.clone(),
            _ => BTreeMap::new(),
        };
        for (name, stub) in stub_cells(chapter) {
            root.push_str(&format!("mod cell_{name};\npub use cell_{name}::*;\n"));
            let cell = format!("{module}/cell_{name}.rs");
            let code = match answered.get(&name) {
                Some(code) if !stubbed.contains(&cell) => {
                    pieces.push(Piece {
                        file: cell.clone(),
                        exercises: vec![name.clone()],
                    });
                    code
                }
                _ => &stub,
            };
            write(src, &cell, &format!("use super::*;\n{code}\n"))?;
        }
        write(src, &file, &root)?;
    }
    main.push_str("\npub fn reports() -> Vec<workbook::check::Report> {\n    vec![\n");
    let mut lines = BTreeMap::new();
    for (ex, call) in calls {
        lines.insert(main.lines().count() + 1, ex);
        main.push_str(&format!("        {call},\n"));
    }
    main.push_str(MAIN);
    write(src, "main.rs", &main)?;
    Ok((pieces, lines))
}

/// The program's entry: grades the exercise named by its argument, and
/// prints the report line marked with the nonce read from its input
/// (before any answer runs).
const MAIN: &str = r#"    ]
}

fn main() {
    let key = std::env::args().nth(1).unwrap_or_default();
    let mut nonce = String::new();
    let _ = std::io::stdin().read_line(&mut nonce);
    match workbook::check::graded_only(&key, reports) {
        Some(graded) => println!("\n{}", graded.line(nonce.trim())),
        None => eprintln!("no exercise is named {key}"),
    }
    std::process::exit(0);
}
"#;

fn write(src: &Path, file: &str, text: &str) -> Result<()> {
    let path = src.join(file);
    fs::create_dir_all(path.parent().expect("a file has a folder"))?;
    fs::write(&path, text).with_context(|| path.display().to_string())
}
