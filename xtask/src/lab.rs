//! `cargo xtask lab`: install what is missing, then serve the notebooks.

use std::net::TcpListener;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::setup::{self, Mpi};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Start no browser (for a remote or headless machine)
    #[arg(long)]
    headless: bool,
    /// The port to serve on (default: 8888 when free, else any free port)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    port: Option<u16>,
    /// Install what is missing, say what works, and stop
    #[arg(long)]
    install_only: bool,
}

pub fn run(root: &Path, options: Options) -> Result<()> {
    let Options {
        headless,
        port,
        install_only,
    } = options;
    let env = setup::notebook_env(root)?;
    let mpi = setup::mpi()?;
    match &mpi {
        Mpi::Ready => println!("\nready: JupyterLab, the Rust kernel, every chapter"),
        Mpi::Missing(hint) => println!(
            "\nready: JupyterLab, the Rust kernel, every chapter but chapter 10's MPI programs\n\
             not ready: chapter 10's MPI programs (Open MPI is not installed: {hint})"
        ),
    }
    if install_only {
        println!("run `cargo xtask lab` to start JupyterLab");
        return Ok(());
    }
    let port = match port {
        Some(p) => p,
        None => free_port()?,
    };
    let token = random_token()?;
    let url = format!("http://127.0.0.1:{port}/lab?token={token}");
    println!(
        "\nJupyterLab is starting on the workbook: open\n\n    {url}\n\nStop it with Ctrl-C.\n"
    );
    let mut cmd = env.venv_command("jupyter");
    cmd.args([
        "lab",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
    ])
    .arg(format!("--ServerApp.port={port}"))
    .arg(format!("--IdentityProvider.token={token}"))
    .arg(format!(
        "--ServerApp.root_dir={}",
        env.root.join("notebooks").display()
    ));
    if headless {
        cmd.arg("--no-browser");
    }
    if setup::is_root() {
        // Containers and CI machines often run everything as root.
        cmd.arg("--allow-root");
    }
    // JupyterLab runs until the learner stops it: this wait has no bound.
    let status = cmd.status().context("could not start JupyterLab")?;
    if !status.success() {
        bail!("JupyterLab exited with {status}");
    }
    Ok(())
}

/// 8888 when it is free, else any free port.
fn free_port() -> Result<u16> {
    if TcpListener::bind(("127.0.0.1", 8888)).is_ok() {
        return Ok(8888);
    }
    let listener = TcpListener::bind(("127.0.0.1", 0)).context("no free port")?;
    Ok(listener.local_addr()?.port())
}

/// 24 random bytes as hex, from the operating system.
fn random_token() -> Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("could not read /dev/urandom for a token")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
