//! Project automation, run as `cargo xtask <command>`:
//!
//! - `lab [--headless]`: install what is missing, then open the workbook in JupyterLab;
//! - `test`: every check there is, notebooks included (what CI runs);
//! - `gen [--check | --force]`: write (or check) every file derived from `chapters/`;
//! - `reset NAME`: bring back one exercise's stub in `exercises/`;
//! - `notebooks [--save] [NAME...]`: execute notebooks through the Rust kernel;
//! - `bench [--quick]`: speed, side by side with the Python originals;
//! - `book [--serve]`: the workbook as a static website, in `target/book/`.

mod bench;
mod book;
mod codegen;
mod lab;
mod setup;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  lab [--headless] [--port N]   install what is missing, then start JupyterLab on notebooks/
                                (--headless: no browser; --install-only: stop after installing)
  test                          the whole suite: fmt, clippy, cargo tests, stale copies, every notebook
  gen [--check | --force]       write the notebooks and crates derived from chapters/ (--check: only compare);
                                it leaves a learner's answers and notebook edits alone unless --force,
                                which first copies them to target/backups/
  reset NAME                    bring back exercise NAME's todo!() stub in exercises/ (your version: target/backups/)
  notebooks [--save] [NAME...]  execute notebooks through the Rust kernel (--save: keep outputs of solved ones)
  bench [--quick]               speedups and ratios against the Python originals, into target/bench
                                (--quick: seconds, as CI runs it; default: a few minutes)
  book [--serve|--check]        the workbook as a website, into target/book/ (--serve: on 127.0.0.1;
                                --check: also check its links and open every page in headless Chromium)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match command {
        "lab" => lab::run(rest),
        "test" => test::run(rest),
        "bench" => setup::ensure_all().and_then(|env| bench::run(&env, rest)),
        "gen" => gen_command(rest),
        "notebooks" => setup::ensure_all().and_then(|env| notebooks_command(&env, rest)),
        "reset" => match rest {
            [name] => codegen::reset(&root(), name).map_err(|e| format!("{e:#}")),
            _ => Err(format!("reset takes one exercise name\n\n{USAGE}")),
        },
        "book" => match rest {
            [] => book::run(&root(), false).map_err(|e| format!("{e:#}")),
            [flag] if flag == "--serve" => book::run(&root(), true).map_err(|e| format!("{e:#}")),
            [flag] if flag == "--check" => book::test_step(&root()).map_err(|e| format!("{e:#}")),
            _ => Err(format!("book takes --serve or --check\n\n{USAGE}")),
        },
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn gen_command(args: &[String]) -> Result<(), String> {
    let mode = match args {
        [] => codegen::GenMode::Write,
        [flag] if flag == "--check" => codegen::GenMode::Check,
        [flag] if flag == "--force" => codegen::GenMode::Force,
        _ => return Err(format!("gen takes only --check or --force\n\n{USAGE}")),
    };
    codegen::r#gen(&root(), mode).map_err(|e| format!("{e:#}"))
}

/// Runs notebooks; with `--save`, the runner leaves each solved notebook that
/// passed in `target/notebook-runs/`, and only those notebooks are written back.
fn notebooks_command(env: &setup::Env, args: &[String]) -> Result<(), String> {
    let save = args.iter().any(|a| a == "--save");
    let runs = env.root.join("target/notebook-runs");
    if save {
        let _ = std::fs::remove_dir_all(&runs); // runs of an earlier command
    }
    let result = test::notebooks(env, args);
    if save && let Ok(entries) = std::fs::read_dir(&runs) {
        for entry in entries.flatten() {
            codegen::save_notebook(&env.root, &entry.path()).map_err(|e| format!("{e:#}"))?;
        }
    }
    result
}

/// The workspace root.
pub fn root() -> PathBuf {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}
