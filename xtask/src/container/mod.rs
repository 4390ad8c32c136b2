//! `cargo xtask container build | run | check`: the workbook in a container
//! image (the `Containerfile` at the top), for podman and docker alike.

mod base;
mod engine;

pub use base::{BASE_APT, prepare as prepare_base};
pub use engine::ENGINE_APT;

use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};
use clap::Subcommand;

use crate::child::{self, MINUTE};
use engine::Engine;

/// The image's name.
pub const IMAGE: &str = "localhost/parallel-rust-workbook";

/// The base the Containerfile names: Rust on Debian 12, from a public registry.
const PUBLIC_BASE: &str = "docker.io/library/rust:1.95-bookworm";

/// The port JupyterLab listens on in the container, and on the host's 127.0.0.1.
const DEFAULT_PORT: u16 = 8888;

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Build the image (Rust, Python, JupyterLab, the kernel, Open MPI, the workbook compiled)
    Build {
        /// The base image (default: the Containerfile's, or one made here when no registry answers)
        #[arg(long)]
        base: Option<String>,
    },
    /// Start JupyterLab in the image, reachable on this machine's 127.0.0.1 only
    Run {
        /// The port on 127.0.0.1 (and in the container)
        #[arg(long, default_value_t = DEFAULT_PORT)]
        port: u16,
    },
    /// Build the image, then run a student notebook and its checks in it, offline
    Check,
}

pub fn run(root: &Path, action: Action) -> Result<()> {
    match action {
        Action::Build { base } => build(root, &Engine::find(root)?, base),
        Action::Run { port } => serve(&Engine::find(root)?, port),
        Action::Check => check(root),
    }
}

/// The address JupyterLab listens on: every interface of our container,
/// and only 127.0.0.1 anywhere else.
pub fn listen_ip() -> &'static str {
    if std::env::var_os(crate::platform::IN_CONTAINER).is_some() {
        "0.0.0.0"
    } else {
        "127.0.0.1"
    }
}

/// The base to build on: the one asked for; else the public one when the
/// engine has it or can pull it; else one made here.
fn choose_base(root: &Path, engine: &Engine, asked: Option<String>) -> Result<String> {
    if let Some(base) = asked {
        return Ok(base);
    }
    if engine.has_image(PUBLIC_BASE) {
        return Ok(PUBLIC_BASE.into());
    }
    let pulled = child::output(engine.command().args(["pull", PUBLIC_BASE]), 20 * MINUTE);
    if pulled.is_ok_and(|o| o.status.success()) {
        return Ok(PUBLIC_BASE.into());
    }
    println!("[container] {PUBLIC_BASE} could not be pulled: making a base image here");
    base::ensure(root, engine)?;
    Ok(base::LOCAL_BASE.into())
}

fn build(root: &Path, engine: &Engine, base: Option<String>) -> Result<()> {
    let base = choose_base(root, engine, base)?;
    let start = Instant::now();
    let mut cmd = engine.command();
    cmd.current_dir(root)
        .args(["build", "-f", "Containerfile", "-t", IMAGE])
        .arg(format!("--build-arg=BASE={base}"));
    if let Engine::Podman { .. } = engine {
        // The build's own network: the host's, which needs no bridge set up.
        cmd.arg("--network=host");
    }
    child::status(cmd.arg("."), 120 * MINUTE)?;
    let size = child::first_line(engine.command().args([
        "image",
        "inspect",
        "--format",
        "{{.Size}}",
        IMAGE,
    ]))
    .and_then(|s| s.parse::<u64>().ok())
    .map_or("size not known".into(), |b| format!("{} MB", b / 1_000_000));
    println!(
        "[container] built {IMAGE} on {base} with {} in {} s ({size})",
        engine.name(),
        start.elapsed().as_secs()
    );
    Ok(())
}

/// JupyterLab in a new container, published on the host's 127.0.0.1:port
/// only; the address with its token is the one the lab prints.
fn serve(engine: &Engine, port: u16) -> Result<()> {
    if !engine.has_image(IMAGE) {
        bail!("no image {IMAGE} yet: run `cargo xtask container build` first");
    }
    let port_arg = port.to_string();
    let mut cmd = engine.command();
    cmd.args(["run", "--rm", "-it", "--init"])
        .arg(format!("--publish=127.0.0.1:{port}:{port}"))
        // What the SLURM chapter's cluster needs, should the learner start it.
        .args(crate::cluster::CONTAINER_FLAGS);
    // A learner's work outlives the container: in volumes named for the
    // port, filled from the image the first time.
    for folder in ["notebooks", "exercises"] {
        cmd.arg(format!(
            "--volume=parallel-rust-workbook-{port}-{folder}:/workbook/{folder}"
        ));
    }
    cmd.arg(IMAGE)
        .args(["cargo", "xtask", "lab", "--headless", "--port", &port_arg]);
    child::status(&mut cmd, std::time::Duration::MAX)
}

/// Builds the image, then runs a student notebook (whose cells call the
/// workbook's checks) through the kernel in it, with no network.
pub fn check(root: &Path) -> Result<()> {
    let engine = Engine::find(root)?;
    build(root, &engine, None)?;
    let start = Instant::now();
    let mut cmd = engine.command();
    cmd.args(["run", "--rm", "--network=none", IMAGE]).args([
        "cargo",
        "xtask",
        "notebooks",
        "00-getting-started",
    ]);
    child::status(&mut cmd, 30 * MINUTE)?;
    println!(
        "[container] a student notebook ran in the image in {} s",
        start.elapsed().as_secs()
    );
    Ok(())
}

/// Whether a container engine answers here, without installing one.
pub fn engine_answers() -> bool {
    Engine::available()
}

/// Whether `container check` can run here: an engine answers, or one can be
/// installed (root on Debian or Ubuntu).
pub fn can_check() -> bool {
    engine_answers() || (cfg!(target_os = "linux") && crate::apt::can_install())
}
