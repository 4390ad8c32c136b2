//! One rustc run over a learner's tree, in the sandbox, that builds the
//! grading program; rustc's errors read from its JSON output, each traced to
//! the file it is in.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::Value;

use workbook::process::Ended;

use super::sandbox::{self, Mount, Sandbox};

/// The instructor's compiled crates, the toolchain and the linker.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Shared {
    pub deps: PathBuf,
    pub externs: Vec<(String, String)>,
    pub toolchain: PathBuf,
    pub linker: PathBuf,
}

/// Runs rustc on `src/main.rs` in the sandbox, into the program
/// `out/grade`. Returns the errors: file (relative to `src`), line, and
/// what rustc said.
pub fn rustc(
    sandbox: &Sandbox,
    slot: usize,
    shared: &Shared,
    src: &Path,
    out: &Path,
) -> Result<Vec<(String, usize, String)>> {
    let mounts = [
        Mount {
            host: shared.toolchain.clone(),
            inside: "/toolchain",
            writable: false,
        },
        Mount {
            host: shared.deps.clone(),
            inside: "/deps",
            writable: false,
        },
        Mount {
            host: src.to_path_buf(),
            inside: "/src",
            writable: false,
        },
        Mount {
            host: out.to_path_buf(),
            inside: "/out",
            writable: true,
        },
    ];
    let [toolchain, deps, src_in, out_in] = mounts.each_ref().map(|m| sandbox.path(m));
    let mut args: Vec<String> = [
        "--edition",
        "2024",
        "--crate-type",
        "bin",
        "--crate-name",
        "grade",
    ]
    .into_iter()
    .chain([
        "-C",
        "opt-level=1",
        "-C",
        "debuginfo=0",
        "--cap-lints",
        "allow",
    ])
    .chain(["--error-format", "json"])
    .map(String::from)
    .collect();
    args.push(format!("-Clinker={}", shared.linker.display()));
    args.push(format!("-Ldependency={}", deps.join("deps").display()));
    for (name, file) in &shared.externs {
        args.push(format!("--extern={name}={}", deps.join(file).display()));
    }
    args.push(src_in.join("main.rs").display().to_string());
    let rustc = toolchain.join("bin/rustc");
    // One run: rustc finds every error before it generates any code, so a
    // check-only run first would only add time.
    args.push("-o".into());
    args.push(out_in.join("grade").display().to_string());
    let ran = sandbox.run(slot, &mounts, &rustc, &args, "", sandbox::COMPILE)?;
    let errors = errors(&String::from_utf8_lossy(&ran.stderr), &src_in);
    if errors.is_empty() && !matches!(ran.ended, Ended::Exited(e) if e.success()) {
        let said = String::from_utf8_lossy(&ran.stderr);
        let first = said.lines().next().unwrap_or("it was stopped");
        return Ok(vec![(
            String::new(),
            0,
            format!("the compiler failed: {first}"),
        )]);
    }
    Ok(errors)
}

/// rustc's errors in its JSON output: the file (relative to `src`), the line, the message and where.
fn errors(stderr: &str, src: &Path) -> Vec<(String, usize, String)> {
    let prefix = format!("{}/", src.display());
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|d| d["level"] == "error")
        .filter(|d| {
            !d["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("aborting due to")
        })
        .map(|d| {
            let spans = d["spans"].as_array().cloned().unwrap_or_default();
            let span = spans
                .iter()
                .find(|s| s["is_primary"] == true)
                .cloned()
                .unwrap_or_default();
            let file = span["file_name"].as_str().unwrap_or("");
            let file = file.strip_prefix(&prefix).unwrap_or(file).to_string();
            let line = span["line_start"].as_u64().unwrap_or(0) as usize;
            let message = d["message"].as_str().unwrap_or("").to_string();
            let place = match (file.as_str(), file.rsplit_once("/cell_")) {
                (_, _) if line == 0 => String::new(),
                ("main.rs", _) => {
                    " (where its check calls it: keep the signature the workbook gives)".into()
                }
                (_, Some(_)) => format!(" (its cell, line {})", line - 1),
                _ => format!(" ({file}, line {line})"),
            };
            (file, line, format!("{message}{place}"))
        })
        .collect()
}
