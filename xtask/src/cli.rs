//! The command line: `cargo xtask COMMAND`, parsed with clap, and which
//! module runs each command.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};

use crate::codegen::GenMode;
use crate::{
    bench, book, ci, class, cluster, codegen, container, hint, lab, notebooks, progress, root,
    setup, shown, target_dir, test, watch,
};

/// Project automation for the Parallel Rust Workbook.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Install what is missing, then open the workbook in JupyterLab on notebooks/
    Lab(lab::Options),
    /// Every check there is, notebooks included (what CI runs): the quick
    /// steps first, then what needs installing
    Test {
        /// Run only these steps (comma-separated or repeated), listed below
        /// in the order they run
        #[arg(long, value_delimiter = ',', value_name = "STEP", value_parser = test::STEP_IDS)]
        only: Vec<String>,
        /// Run every step but these
        #[arg(long, value_delimiter = ',', value_name = "STEP", value_parser = test::STEP_IDS, conflicts_with = "only")]
        skip: Vec<String>,
    },
    /// Write the notebooks and crates derived from chapters/
    Gen {
        /// Only compare, and fail when a derived file differs
        #[arg(long, conflicts_with = "force")]
        check: bool,
        /// Write even over a learner's answers and notebook edits (after a backup)
        #[arg(long)]
        force: bool,
    },
    /// Restore one exercise's `todo!()` stub (after a backup of your answer)
    Reset {
        /// The exercise's function name, as in exercises/src/
        name: String,
    },
    /// Print the next hint for an exercise that you have not seen yet (remembered in target/hints/)
    Hint {
        /// The exercise's function name, as in exercises/src/
        name: String,
        /// Print every hint of the exercise at once
        #[arg(long)]
        all: bool,
    },
    /// Execute notebooks through the Rust kernel, two at once where there are
    /// two cores (one at a time with --save), one line per notebook
    Notebooks {
        /// Keep the new outputs in the solved notebooks that pass
        #[arg(long)]
        save: bool,
        /// Only list the notebooks that would run; install and run nothing
        #[arg(long)]
        dry: bool,
        /// Notebooks to run, as `01-threads` or `01-threads-solved.ipynb` (default: all)
        #[arg(value_name = "NAME")]
        names: Vec<String>,
    },
    /// Your progress: each exercise's verdict in exercises/src/ and in your
    /// saved student notebooks, the time left, and what to do next
    Progress {
        /// Only this exercise (its function name), with its whole report
        #[arg(value_name = "EXERCISE")]
        name: Option<String>,
    },
    /// Check a chapter's exercises again each time its file in exercises/src/ is saved
    Watch {
        /// Only this exercise (its function name)
        #[arg(value_name = "EXERCISE")]
        name: Option<String>,
    },
    /// Speedups and ratios against the Python originals, into target/bench
    Bench {
        /// Seconds, as CI runs it (default: a few minutes)
        #[arg(long)]
        quick: bool,
    },
    /// A one-node SLURM cluster on this machine (root, Linux): up, status, env, down
    Cluster {
        #[command(subcommand)]
        action: cluster::Action,
    },
    /// For instructors: grade a whole class's answers, each in a sandbox
    Class {
        #[command(subcommand)]
        action: class::Action,
    },
    /// The workbook in a container image (podman or docker): build, run, check
    Container {
        #[command(subcommand)]
        action: container::Action,
    },
    /// The workbook as a static website, into target/book/
    Book {
        /// Serve it on 127.0.0.1 and print the address
        #[arg(long, conflicts_with = "check")]
        serve: bool,
        /// Also check its links and open every page in headless Chromium
        #[arg(long)]
        check: bool,
    },
}

/// Runs the command line: help to stdout with status 0, a bad argument to
/// stderr with status 2, an error as one `error:` line.
pub fn main() -> ExitCode {
    // Help goes to stdout with status 0; a bad argument to stderr with status 2.
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<()> {
    let root = root();
    match command {
        Command::Lab(options) => lab::run(&root, options),
        Command::Container { action } => container::run(&root, action),
        Command::Test { only, skip } => test::run(&root, &test::Selection { only, skip }),
        Command::Gen { check, force } => {
            let mode = match (check, force) {
                (true, _) => GenMode::Check,
                (_, true) => GenMode::Force,
                _ => GenMode::Write,
            };
            codegen::r#gen(&root, &target_dir(&root), mode).map(drop)
        }
        Command::Reset { name } => codegen::reset(&root, &target_dir(&root), &name),
        Command::Hint { name, all } => hint::run(&root, &name, all),
        Command::Notebooks { save, dry, names } => {
            let paths = notebooks_to_run(&root, &names, save)?;
            if dry {
                for path in &paths {
                    println!("{}", path.strip_prefix(&root).unwrap_or(path).display());
                }
                println!(
                    "notebooks --dry: {} would run; nothing was run",
                    paths.len()
                );
                return Ok(());
            }
            let env = setup::notebook_env(&root)?;
            notebooks::run(&env, &paths, save)
        }
        Command::Progress { name } => progress::run(&root, name.as_deref()),
        Command::Watch { name } => watch::run(&root, name.as_deref()),
        Command::Bench { quick } => {
            let env = setup::notebook_env(&root)?;
            bench::run(&env, quick)
        }
        Command::Cluster { action } => cluster::run(action),
        Command::Class { action } => class::run(&root, action),
        Command::Book {
            serve: _,
            check: true,
        } => book::test_step(&root, ci::in_ci()).map(|skipped| {
            if let Some(why) = skipped {
                println!("skipped: {why}");
            }
        }),
        Command::Book {
            serve,
            check: false,
        } => book::run(&root, serve),
    }
}

/// The notebooks `notebooks` runs. With `--save`, solved ones only: with
/// no names, every solved notebook; a named student notebook is an error.
fn notebooks_to_run(root: &Path, names: &[String], save: bool) -> Result<Vec<PathBuf>> {
    let mut paths = notebooks::resolve(root, names)?;
    if save {
        refuse_saving_student_notebooks(names)?;
        paths.retain(|p| p.to_string_lossy().ends_with("-solved.ipynb"));
    }
    Ok(paths)
}

/// Student notebooks are committed clean: `--save` keeps outputs only in
/// solved ones, so naming a student notebook with it is a mistake.
fn refuse_saving_student_notebooks(names: &[String]) -> Result<()> {
    let student: Vec<String> = names
        .iter()
        .map(|n| n.strip_suffix(".ipynb").unwrap_or(n))
        .filter(|n| !n.ends_with("-solved"))
        .map(shown)
        .collect();
    if !student.is_empty() {
        bail!(
            "--save keeps outputs only in solved notebooks (student notebooks stay clean): \
             leave out {}",
            student.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn parse(line: &str) -> Result<Command, clap::Error> {
        Cli::try_parse_from(std::iter::once("xtask").chain(line.split_whitespace()))
            .map(|cli| cli.command)
    }

    #[test]
    fn the_parser_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bad_arguments_are_refused_before_anything_runs() {
        for line in [
            "bench --bogus",
            "bench --quick extra",
            "test --fast",
            "test --only notebook",
            "test --only fmt --skip book",
            "test --skip",
            "gen --check --force",
            "gen --chek",
            "notebooks --dryy",
            "lab --port 0",
            "lab --port 70000",
            "lab --port",
            "lab --install-only --port 9000",
            "lab --install-only --headless",
            "lab --install-only --port 1 --headless",
            "reset",
            "hint",
            "hint fib_par extra",
            "hint fib_par --al",
            "progress a b",
            "progress --all",
            "watch a b",
            "watch --poll",
            "frobnicate",
            "cluster",
            "cluster start",
            "cluster up --now",
        ] {
            assert!(parse(line).is_err(), "`{line}` was accepted");
        }
    }

    #[test]
    fn good_arguments_parse() {
        assert!(matches!(
            parse("bench --quick"),
            Ok(Command::Bench { quick: true })
        ));
        assert!(matches!(
            parse("gen --force"),
            Ok(Command::Gen {
                check: false,
                force: true
            })
        ));
        let Ok(Command::Hint { name, all }) = parse("hint fib_par") else {
            panic!("hint with a name");
        };
        assert!(name == "fib_par" && !all);
        assert!(matches!(
            parse("hint --all fib_par"),
            Ok(Command::Hint { all: true, .. })
        ));
        let Ok(Command::Notebooks { save, dry, names }) = parse("notebooks a --dry b") else {
            panic!("notebooks with names and --dry");
        };
        assert!(!save && dry && names == ["a", "b"]);
        for (line, expected) in [
            ("cluster up", "Up"),
            ("cluster status", "Status"),
            ("cluster env", "Env"),
            ("cluster down", "Down"),
        ] {
            let Ok(Command::Cluster { action }) = parse(line) else {
                panic!("`{line}` was refused");
            };
            assert_eq!(format!("{action:?}"), expected);
        }
        assert!(matches!(
            parse("progress"),
            Ok(Command::Progress { name: None })
        ));
        assert!(matches!(
            parse("progress fib_par"),
            Ok(Command::Progress { name: Some(n) }) if n == "fib_par"
        ));
        assert!(matches!(parse("watch"), Ok(Command::Watch { name: None })));
        assert!(matches!(
            parse("watch total"),
            Ok(Command::Watch { name: Some(n) }) if n == "total"
        ));
    }

    #[test]
    fn an_unknown_exercise_is_refused_with_the_closest_name_before_anything_runs() {
        for line in ["progress fib_parr", "watch fib_parr"] {
            let err = run(parse(line).unwrap()).unwrap_err().to_string();
            assert!(err.contains("did you mean `fib_par`?"), "{line}: {err}");
        }
    }

    #[test]
    fn unknown_notebook_names_fail_even_in_a_dry_run() {
        let err = run(parse("notebooks bad-name 00-getting-started --dry").unwrap()).unwrap_err();
        assert!(
            err.to_string().contains("no notebook named `bad-name`"),
            "{err}"
        );
        let err = run(parse("notebooks --save 00-getting-started --dry").unwrap()).unwrap_err();
        assert!(
            err.to_string().contains("leave out 00-getting-started"),
            "{err}"
        );
        run(parse("notebooks 00-getting-started-solved --dry").unwrap()).unwrap();
    }

    #[test]
    fn save_with_no_names_runs_the_solved_notebooks_only() {
        let root = root();
        let saved = notebooks_to_run(&root, &[], true).unwrap();
        let all = notebooks_to_run(&root, &[], false).unwrap();
        assert_eq!(saved.len() * 2, all.len(), "{saved:?}");
        assert!(
            saved
                .iter()
                .all(|p| p.to_string_lossy().ends_with("-solved.ipynb")),
            "{saved:?}"
        );
    }

    #[test]
    fn a_long_name_is_echoed_cut_short() {
        assert_eq!(shown("fib_par"), "fib_par");
        let long = "é".repeat(100_000);
        assert_eq!(shown(&long), format!("{}…", "é".repeat(60)));
    }

    fn parse_class(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["cargo xtask", "class", "grade"].iter().chain(args))
    }

    #[test]
    fn bad_arguments_to_class_grade_are_refused_by_name() {
        let unknown = parse_class(&["CLASS", "--out", "g.csv", "--bogus"]).unwrap_err();
        assert_eq!(unknown.kind(), ErrorKind::UnknownArgument);
        assert!(unknown.to_string().contains("--bogus"));
        let no_dir = parse_class(&["--out", "g.csv"]).unwrap_err();
        assert_eq!(no_dir.kind(), ErrorKind::MissingRequiredArgument);
        assert!(no_dir.to_string().contains("<DIR>"));
        let no_jobs = parse_class(&["CLASS", "--out", "g.csv", "--jobs", "0"]).unwrap_err();
        assert_eq!(no_jobs.kind(), ErrorKind::ValueValidation);
        assert!(
            parse_class(&["CLASS", "--out", "g.csv", "--jobs", "4", "--html", "d.html"]).is_ok()
        );
    }
}
