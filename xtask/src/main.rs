//! Project automation, run as `cargo xtask <command>`:
//!
//! - `lab [--headless]`: install what is missing, then open the workbook in JupyterLab;
//! - `test`: every check there is, notebooks included (what CI runs);
//! - `gen [--check]`: write (or check) every file derived from `chapters/`;
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
  gen [--check]                 write the notebooks and crates derived from chapters/ (--check: only compare)
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
        "book" => match rest {
            [] => book::run(&root(), false).map_err(|e| format!("{e:#}")),
            [flag] if flag == "--serve" => book::run(&root(), true).map_err(|e| format!("{e:#}")),
            [flag] if flag == "--check" => book::test_step(&root()).map_err(|e| format!("{e:#}")),
            _ => Err(format!("book takes --serve or --check\n\n{USAGE}")),
        },
        "notebooks" => setup::ensure_all().and_then(|env| {
            test::notebooks(&env, rest)?;
            if rest.iter().any(|a| a == "--save") {
                // Back to the generator's layout, so saving leaves no formatting churn.
                codegen::write(&env.root)?;
            }
            Ok(())
        }),
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
    let root = root();
    match args {
        [] => {
            let changed = codegen::write(&root)?;
            for path in &changed {
                println!(
                    "wrote {}",
                    path.strip_prefix(&root).unwrap_or(path).display()
                );
            }
            println!("gen: {} file(s) changed", changed.len());
            Ok(())
        }
        [flag] if flag == "--check" => {
            let stale = codegen::stale(&root)?;
            if stale.is_empty() {
                println!("gen --check: every generated file is up to date");
                Ok(())
            } else {
                let list: Vec<String> = stale
                    .iter()
                    .map(|p| format!("  {}", p.strip_prefix(&root).unwrap_or(p).display()))
                    .collect();
                Err(format!(
                    "these files differ from what chapters/ generates:\n{}\n\
                     Run `cargo xtask gen` to regenerate them (it overwrites answers written in exercises/).",
                    list.join("\n")
                ))
            }
        }
        _ => Err(format!("gen takes only --check\n\n{USAGE}")),
    }
}

/// The workspace root.
pub fn root() -> PathBuf {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}
