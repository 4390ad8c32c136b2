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
use crate::kernel_warm;
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
    /// Install what is missing, say what works, and stop (serves nothing, so
    /// --port and --headless make no sense with it)
    #[arg(long, conflicts_with_all = ["port", "headless"])]
    install_only: bool,
}

pub fn run(root: &Path, options: Options) -> Result<()> {
    let Options {
        headless,
        port,
        install_only,
    } = options;
    // Refused before anything is installed: a port in use, or these
    // notebooks already served.
    if !install_only {
        if let Some(port) = port {
            check_port_free(port)?;
        }
        refuse_second_server(root)?;
    }
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
    let mut cmd = jupyter_command(&env, port, &token, headless);
    // From here on Ctrl-C, or a signal to this command alone, stops
    // JupyterLab and the build too: neither is left running without us.
    let stop = child::interrupted();
    let mut jupyter = cmd.spawn().context("could not start JupyterLab")?;
    let record = write_record(root, port, jupyter.id());
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
    if let Some(record) = record {
        let _ = std::fs::remove_file(record);
    }
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
    kernel_warm::warm(env)?;
    let took = start.elapsed().as_secs();
    println!(
        "[kernel] Rust kernel ready (built in {} min {:02} s): in a notebook opened before now, \
         restart the kernel (Kernel > Restart) and run the cell again",
        took / 60,
        took % 60
    );
    Ok(())
}

/// JupyterLab on `port`, serving `notebooks/`. The token goes in its
/// environment, which only its owner may read (`/proc/PID/environ` is mode
/// 0400): an argument would be in `/proc/PID/cmdline`, which every local
/// user may read, and the token opens a terminal as this user.
fn jupyter_command(env: &Env, port: u16, token: &str, headless: bool) -> std::process::Command {
    let mut cmd = env.venv_command("jupyter");
    cmd.args([
        "lab",
        "--ServerApp.port_retries=0",
        // Ctrl-C reaches JupyterLab too: shut down without asking
        // "Shut down this Jupyter server (y/[n])?", as lab does.
        "--ServerApp.answer_yes=True",
    ])
    .arg(format!("--ServerApp.ip={}", crate::container::listen_ip()))
    .arg(format!("--ServerApp.port={port}"))
    .arg(format!(
        "--ServerApp.root_dir={}",
        env.root.join("notebooks").display()
    ))
    .env("JUPYTER_TOKEN", token);
    if headless {
        cmd.arg("--no-browser");
    }
    if crate::platform::is_root() {
        // Containers and CI machines often run everything as root.
        cmd.arg("--allow-root");
    }
    // Even `kill -9` of lab must not leave JupyterLab serving on its own.
    child::die_with_parent(&mut cmd);
    cmd
}

/// A port asked for with --port must be free: else JupyterLab would fail
/// after the address was printed, an address that reaches another server.
fn check_port_free(port: u16) -> Result<()> {
    if TcpListener::bind(("127.0.0.1", port)).is_ok() {
        return Ok(());
    }
    let who = match crate::cluster::ports::holder(port) {
        Some(holder) => format!("by {holder}"),
        None => "by another program".to_string(),
    };
    bail!(
        "port {port} is already in use {who}: choose another with --port, \
         or leave --port out to take a free one"
    )
}

/// Where a running `lab` notes its JupyterLab's port and pid: in this
/// checkout's own `target/`, beside the `notebooks/` it serves.
fn record_file(root: &Path) -> std::path::PathBuf {
    crate::output_dir(root, "lab-server")
}

/// Notes the port and pid of the JupyterLab this `lab` started; the file's
/// path, when it could be written.
fn write_record(root: &Path, port: u16, pid: u32) -> Option<std::path::PathBuf> {
    let file = record_file(root);
    std::fs::create_dir_all(file.parent()?).ok()?;
    std::fs::write(&file, format!("{port} {pid}\n")).ok()?;
    Some(file)
}

/// The port and pid another `lab` noted, when that JupyterLab still serves.
fn live_record(root: &Path) -> Option<(u16, u32)> {
    let text = std::fs::read_to_string(record_file(root)).ok()?;
    let (port, pid) = text.trim().split_once(' ')?;
    let (port, pid): (u16, u32) = (port.parse().ok()?, pid.parse().ok()?);
    // A record left by a `lab` that was killed names a closed port.
    let serving = std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        SECOND,
    )
    .is_ok();
    let alive = crate::platform::may_run(pid);
    (serving && alive).then_some((port, pid))
}

/// Refuses to start a second JupyterLab on the same notebooks: each server
/// would keep its own copy of an open notebook and save it over the other's
/// (JupyterLab saves on its own every two minutes), so a learner's edits
/// would be lost without a word.
fn refuse_second_server(root: &Path) -> Result<()> {
    if let Some((port, pid)) = live_record(root) {
        bail!(
            "JupyterLab already serves these notebooks on port {port} (pid {pid}), \
             started by another `cargo xtask lab`: use that one (its address, with its \
             token, is in the terminal that started it), or stop it with Ctrl-C there \
             first. Two servers on the same notebooks would save over each other's edits."
        );
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
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system gave no random bytes: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_in_jupyterlabs_environment_not_in_its_arguments() {
        let root = Path::new("/w");
        let env = Env {
            root: root.into(),
            venv: root.join(".venv"),
            jupyter_path: root.join(".venv/share/jupyter"),
        };
        let token = random_token().unwrap();
        let cmd = jupyter_command(&env, 8888, &token, true);
        let args: Vec<_> = cmd.get_args().map(|a| a.to_string_lossy()).collect();
        assert!(args.iter().all(|a| !a.contains(&token)), "{args:?}");
        let given = cmd
            .get_envs()
            .find(|(name, _)| *name == "JUPYTER_TOKEN")
            .and_then(|(_, value)| value);
        assert_eq!(given, Some(std::ffi::OsStr::new(&token)));
    }

    #[test]
    fn tokens_are_long_and_new_each_time() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 48);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn a_port_in_use_is_refused_naming_who_holds_it() {
        let socket = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = socket.local_addr().unwrap().port();
        let err = check_port_free(port).unwrap_err().to_string();
        assert!(
            err.contains(&format!("port {port} is already in use")),
            "{err}"
        );
        if cfg!(target_os = "linux") {
            let me = format!("by pid {} (", std::process::id());
            assert!(err.contains(&me), "{err}");
        }
        drop(socket);
        // A free port reads as free. Another test may take the port just let
        // go (tests run at once, in this process too): try a few ports.
        let free_one = (0..5).any(|_| {
            let socket = TcpListener::bind(("127.0.0.1", 0)).unwrap();
            let port = socket.local_addr().unwrap().port();
            drop(socket);
            check_port_free(port).is_ok()
        });
        assert!(free_one, "five free ports in a row read as in use");
    }

    #[test]
    fn a_second_lab_on_the_same_notebooks_is_refused_naming_the_first() {
        let root = std::env::temp_dir().join(format!("xtask-lab-{}", std::process::id()));
        let socket = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = socket.local_addr().unwrap().port();
        refuse_second_server(&root).unwrap();
        write_record(&root, port, std::process::id()).unwrap();
        let err = refuse_second_server(&root).unwrap_err().to_string();
        let first = format!("on port {port} (pid {})", std::process::id());
        assert!(err.contains(&first), "{err}");
        // A `lab` that was killed leaves its record, naming a closed port.
        drop(socket);
        refuse_second_server(&root).unwrap();
        let _ = std::fs::remove_dir_all(&root);
    }
}
