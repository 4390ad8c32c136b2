//! The container engine: docker when its daemon answers, else podman
//! (installed from Debian's packages where it can be), with the settings
//! podman needs on hosts without systemd's cgroups in a file of our own.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::apt;
use crate::child::{self, MINUTE};
use crate::setup::{Done, timed};

pub enum Engine {
    Docker,
    /// With `containers.conf`, our settings for podman (`CONTAINERS_CONF`).
    Podman {
        conf: PathBuf,
    },
}

/// Podman's settings, written under `target/container/`, never in /etc:
/// runc (crun fails on hosts whose cgroups are in hybrid mode), cgroupfs (no
/// systemd needed), and no raised open-files limit (not every host lets a
/// container raise it).
const CONTAINERS_CONF: &str = "\
# Written by `cargo xtask container`: podman's settings for the workbook's image.
[containers]
default_ulimits = []

[engine]
runtime = \"runc\"
cgroup_manager = \"cgroupfs\"
";

impl Engine {
    /// The engine to use: docker when `docker info` answers, else podman,
    /// installed when missing and Debian's packages can be installed here.
    pub fn find(root: &Path) -> Result<Engine> {
        if answers("docker") {
            return Ok(Engine::Docker);
        }
        timed("podman and runc (the container engine)", install_podman)?;
        let conf = crate::output_dir(root, "container").join("containers.conf");
        fs::create_dir_all(conf.parent().expect("a folder"))?;
        if fs::read_to_string(&conf).ok().as_deref() != Some(CONTAINERS_CONF) {
            fs::write(&conf, CONTAINERS_CONF).with_context(|| conf.display().to_string())?;
        }
        Ok(Engine::Podman { conf })
    }

    /// Whether an engine can be used here without installing one.
    pub fn available() -> bool {
        answers("docker") || answers("podman")
    }

    pub fn name(&self) -> &'static str {
        match self {
            Engine::Docker => "docker",
            Engine::Podman { .. } => "podman",
        }
    }

    /// A command of this engine, with our settings.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(self.name());
        if let Engine::Podman { conf } = self {
            cmd.env("CONTAINERS_CONF", conf);
        }
        cmd
    }

    /// Whether the engine holds `image` already.
    pub fn has_image(&self, image: &str) -> bool {
        child::output(self.command().args(["image", "inspect", image]), MINUTE)
            .is_ok_and(|o| o.status.success())
    }
}

/// Whether `program info` succeeds: the engine is installed and answers.
fn answers(program: &str) -> bool {
    child::output(Command::new(program).arg("info"), MINUTE).is_ok_and(|o| o.status.success())
}

/// Podman, and the runtime our `containers.conf` names.
pub const ENGINE_APT: apt::Group = apt::Group {
    packages: &["podman", "runc"],
    recommends: apt::Recommends::With,
};

fn install_podman() -> Result<((), Done)> {
    let have = |p: &str| child::first_line(Command::new(p).arg("--version")).is_some();
    if have("podman") && have("runc") {
        return Ok(((), Done::Already));
    }
    if !cfg!(target_os = "linux") || !apt::can_install() {
        bail!(
            "no container engine: install podman or docker (https://podman.io/docs/installation), \
             then run this again"
        );
    }
    apt::install(ENGINE_APT.packages, ENGINE_APT.recommends)?;
    Ok(((), Done::Installed))
}
