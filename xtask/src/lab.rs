//! `cargo xtask lab`: install what is missing, then serve the notebooks. On a
//! machine without the Rust kernel, JupyterLab starts as soon as it is
//! installed (the solved notebooks read without a kernel) and the kernel is
//! built beside it, a placeholder kernel standing in until then.

use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::child::{self, SECOND};
use crate::kernel_build;
use crate::kernelspec;
use crate::setup::{self, EVCXR_VERSION, Env, Mpi};

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
    let env = setup::python_env(root)?;
    // Reading needs no kernel: when it is not built yet, JupyterLab starts
    // now and the kernel is built beside it (not so for --install-only).
    let evcxr = setup::installed_evcxr()?;
    let building = evcxr.is_none() && !install_only;
    // Only chapter 10 needs Open MPI: while the kernel is built beside
    // JupyterLab, its apt-get runs there too, not before the first page.
    let mpi = if building { None } else { Some(setup::mpi()?) };
    if building {
        kernelspec::install_placeholder(&env)?;
    } else {
        setup::rust_kernel(&env)?;
    }
    let kernel = if building {
        "every notebook to read; the Rust kernel is being built beside JupyterLab \
         (until then a cell says how long is left)"
    } else {
        "the Rust kernel"
    };
    match &mpi {
        Some(Mpi::Ready) => println!("\nready: JupyterLab, {kernel}, every chapter"),
        Some(Mpi::Missing(hint)) => println!(
            "\nready: JupyterLab, {kernel}, every chapter but chapter 10's MPI programs\n\
             not ready: chapter 10's MPI programs (Open MPI is not installed: {hint})"
        ),
        None => println!(
            "\nready: JupyterLab, {kernel}; Open MPI, for chapter 10's MPI programs, \
             is checked and installed beside it"
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
        // Ctrl-C reaches JupyterLab too: shut down without asking
        // "Shut down this Jupyter server (y/[n])?", as lab does.
        "--ServerApp.answer_yes=True",
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
    // From here on Ctrl-C, or a signal to this command alone, stops
    // JupyterLab and the build too: neither is left running without us.
    let stop = child::interrupted();
    let mut jupyter = cmd.spawn().context("could not start JupyterLab")?;
    let built = thread::scope(|s| {
        let build = building.then(|| {
            s.spawn(|| {
                mpi_beside();
                if stop.load(Ordering::SeqCst) {
                    bail!("stopped before the kernel's build started");
                }
                build_beside(&env)
            })
        });
        // JupyterLab runs until the learner stops it: this wait has no bound.
        let status = child::wait_or_stop(&mut jupyter, Duration::MAX, 30 * SECOND, "JupyterLab");
        let built = match build {
            Some(build) => {
                if !build.is_finished() && !stop.load(Ordering::SeqCst) {
                    println!(
                        "[kernel] JupyterLab has stopped; the Rust kernel's build goes on \
                         (Ctrl-C stops it, and the next `cargo xtask lab` starts it over)"
                    );
                }
                build.join().expect("the build does not panic")
            }
            None => Ok(()),
        };
        status.map(|status| (status, built))
    });
    let (status, built) = built?;
    if stop.load(Ordering::SeqCst) {
        println!("lab: stopped (JupyterLab and anything building with it).");
        return Ok(());
    }
    built.context("the Rust kernel could not be built; run `cargo xtask lab` again")?;
    match status {
        Some(status) if !status.success() => bail!("JupyterLab exited with {status}"),
        _ => Ok(()),
    }
}

/// Open MPI, checked and installed beside JupyterLab: a failure there only
/// says what chapter 10 lacks, and the kernel's build goes on.
fn mpi_beside() {
    match setup::mpi() {
        Ok(Mpi::Ready) => {}
        Ok(Mpi::Missing(hint)) => {
            println!(
                "[setup] not ready: chapter 10's MPI programs (Open MPI is not installed: {hint})"
            )
        }
        Err(e) => println!(
            "[setup] not ready: chapter 10's MPI programs ({e:#}); {}",
            setup::mpi_hint()
        ),
    }
}

/// How often the terminal hears of the build's progress, at most.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// Builds the kernel at a low priority while JupyterLab serves, a line of
/// progress every few seconds, then puts the real kernelspec in place.
fn build_beside(env: &Env) -> Result<()> {
    let start = Instant::now();
    println!(
        "[kernel] building the Rust kernel (evcxr_jupyter {EVCXR_VERSION}) beside JupyterLab: \
         about {} minutes, once per machine; cargo's output goes to {}",
        kernel_build::typical_build().as_secs().div_ceil(60),
        kernel_build::log_file(&env.root).display()
    );
    let mut last: Option<Instant> = None;
    let result = kernel_build::build(&env.root, true, |progress| {
        if last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) {
            println!("[kernel] {}", progress.line(start.elapsed()));
            last = Some(Instant::now());
        }
    });
    if let Err(e) = result {
        if child::interrupted().load(Ordering::SeqCst) {
            println!("[kernel] build stopped; the next `cargo xtask lab` starts it over");
        } else {
            println!("[kernel] the Rust kernel could not be built: {e:#}");
        }
        return Err(e);
    }
    let evcxr = setup::installed_evcxr()?.context("cargo install ended, yet no evcxr_jupyter")?;
    kernelspec::install(env, &evcxr)?;
    let took = start.elapsed().as_secs();
    println!(
        "[kernel] Rust kernel ready (built in {} min {:02} s): in a notebook opened before now, \
         restart the kernel (Kernel > Restart) and run the cell again",
        took / 60,
        took % 60
    );
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
