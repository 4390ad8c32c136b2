//! `cargo xtask cluster up | status | env | down`: a one-node SLURM cluster
//! on this machine, from Debian's packages, with accounting (slurmdbd on
//! MariaDB) so that `sacct` works as on a real site. Everything it writes
//! lives in one state folder, `target/cluster/`; every daemon listens on
//! 127.0.0.1 only; `down` stops only the daemons `up` started, by pid file.

//!
//! The modules depend on each other downwards only: `check` (the test
//! step) on `up` and `daemons`, those on `database`, `config`, `packages`,
//! `ports` and `privileges` (what a container must grant), and everything
//! on `layout` (where things are, how a stage is reported, who may run them).

mod check;
mod config;
mod daemons;
mod database;
mod layout;
mod packages;
pub mod ports;
mod privileges;
mod up;

use std::path::Path;

use anyhow::Result;
use clap::Subcommand;

pub use check::test_step;
use layout::Layout;
pub use packages::APT as SLURM_APT;
pub use privileges::CONTAINER_FLAGS;

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Install what is missing (root), configure and start the cluster
    Up,
    /// `sinfo`, and each daemon: its pid, whether it runs, where it listens
    Status,
    /// The `export` lines for the client tools: eval "$(cargo xtask cluster env)"
    Env,
    /// Cancel the cluster's jobs and stop the daemons `up` started
    Down,
}

pub fn run(action: Action) -> Result<()> {
    if !cfg!(target_os = "linux") {
        anyhow::bail!(crate::platform::linux_only("cargo xtask cluster"));
    }
    let layout = Layout::local();
    match action {
        Action::Up => up::up(&layout),
        Action::Status => daemons::status(&layout),
        Action::Env => {
            println!("export SLURM_CONF={}", shell_quote(&layout.slurm_conf()));
            if !layout.slurm_conf().is_file() {
                eprintln!("(no cluster configured yet: run `cargo xtask cluster up` first)");
            }
            Ok(())
        }
        Action::Down => daemons::down(&layout),
    }
}

/// A path quoted for a POSIX shell.
fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(
            shell_quote(Path::new("/work/target/cluster")),
            "/work/target/cluster"
        );
        assert_eq!(shell_quote(Path::new("/a b/it's")), r"'/a b/it'\''s'");
    }

    #[test]
    fn the_cluster_is_configured_where_the_notebooks_look_for_it() {
        assert_eq!(
            Layout::local().slurm_conf(),
            workbook::slurm::Slurm::local().conf()
        );
    }
}
