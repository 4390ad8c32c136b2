//! A base image made here, for hosts that reach Debian's package mirror but
//! no image registry: Debian 12 from `debootstrap`, with this machine's Rust
//! toolchain and, when it has the pinned version, its Rust kernel (so that
//! the image build does not compile the kernel again). Laid out as the
//! official `rust` image is: RUSTUP_HOME=/usr/local/rustup, CARGO_HOME=/usr/local/cargo.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::engine::Engine;
use crate::apt;
use crate::child::{self, MINUTE};
use crate::setup::{self, Done, timed};

/// The image this makes.
pub const LOCAL_BASE: &str = "localhost/parallel-rust-workbook-base:bookworm";

const MIRROR: &str = "http://deb.debian.org/debian";

/// Where Debian keeps the certificate authorities added on a machine.
const LOCAL_CERTIFICATES: &str = "/usr/local/share/ca-certificates";

/// What makes Debian's files for the local base.
pub const BASE_APT: apt::Group = apt::Group {
    packages: &["debootstrap"],
    recommends: apt::Recommends::With,
};

/// The local base image, made when the engine does not hold it yet.
pub fn ensure(root: &Path, engine: &Engine) -> Result<()> {
    timed(
        &format!("base image {LOCAL_BASE} (Debian 12 and this machine's Rust)"),
        || {
            if engine.has_image(LOCAL_BASE) {
                return Ok(((), Done::Already));
            }
            let dir = crate::output_dir(root, "container");
            let rootfs = debian(&dir, None)?;
            add_rust(&rootfs)?;
            add_certificates(&rootfs)?;
            import(engine, &rootfs)?;
            Ok(((), Done::Installed))
        },
    )
}

/// The container step's base, fetched ahead (by `test`, in the background
/// while its first steps compile) when the engine holds neither base yet:
/// the public one pulled, or, when no registry answers, Debian's files for
/// the local one; the engine's and debootstrap's output goes to `log`.
pub fn prepare(root: &Path, log: &File) -> Result<()> {
    if !Engine::available() {
        bail!("no container engine answers (its packages did not install?)");
    }
    let engine = Engine::find(root)?;
    if engine.has_image(LOCAL_BASE) || engine.has_image(super::PUBLIC_BASE) {
        return Ok(());
    }
    let mut pull = engine.command();
    pull.args(["pull", super::PUBLIC_BASE])
        .stdout(log.try_clone()?)
        .stderr(log.try_clone()?);
    if child::status(&mut pull, 20 * MINUTE).is_ok() {
        return Ok(());
    }
    debian(&crate::output_dir(root, "container"), Some(log)).map(|_| ())
}

/// Debian 12 in `dir/rootfs`, from debootstrap (installed when missing),
/// its output on ours or in `log`; a marker file says it finished.
fn debian(dir: &Path, log: Option<&File>) -> Result<PathBuf> {
    let rootfs = dir.join("rootfs");
    let done = dir.join("rootfs.done");
    if done.exists() {
        return Ok(rootfs);
    }
    if !cfg!(target_os = "linux") || !apt::can_install() {
        bail!(
            "no image registry answered, and a base image can be made here only as root on \
             Debian or Ubuntu: pass --base IMAGE with a Debian 12 image that has Rust"
        );
    }
    if child::first_line(Command::new("debootstrap").arg("--version")).is_none() {
        apt::install(BASE_APT.packages, BASE_APT.recommends)?;
    }
    let part = dir.join("rootfs.part");
    let _ = fs::remove_dir_all(&part);
    let mut debootstrap = Command::new("debootstrap");
    debootstrap
        .args(["--variant=minbase", "bookworm"])
        .arg(&part)
        .arg(MIRROR);
    if let Some(log) = log {
        debootstrap
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log.try_clone()?));
    }
    child::status(&mut debootstrap, 30 * MINUTE)?;
    let _ = fs::remove_dir_all(&rootfs);
    fs::rename(&part, &rootfs)?;
    fs::write(&done, "")?;
    Ok(rootfs)
}

/// This machine's active toolchain as rustup's default in the image, cargo's
/// and rustup's programs, and the Rust kernel with cargo's record of it.
fn add_rust(rootfs: &Path) -> Result<()> {
    let sysroot = child::first_line(Command::new("rustc").args(["--print", "sysroot"]))
        .context("`rustc --print sysroot` failed")?;
    let sysroot = fs::canonicalize(sysroot)?;
    let name = sysroot
        .file_name()
        .and_then(|n| n.to_str())
        .context("the toolchain's folder has no name")?
        .to_string();
    let rustup = rootfs.join("usr/local/rustup");
    let toolchain = rustup.join("toolchains").join(&name);
    let _ = fs::remove_dir_all(&toolchain);
    fs::create_dir_all(rustup.join("toolchains"))?;
    copy(&sysroot, &toolchain)?;
    fs::write(
        rustup.join("settings.toml"),
        format!("version = \"12\"\ndefault_toolchain = \"{name}\"\nprofile = \"minimal\"\n"),
    )?;
    let cargo_home = crate::cargo_install::bin_dir()
        .parent()
        .context("cargo's bin folder has a parent")?
        .to_path_buf();
    let bin = rootfs.join("usr/local/cargo/bin");
    fs::create_dir_all(&bin)?;
    // rustup's proxies are copies of rustup itself, named for the tool they run.
    let rustup_exe = crate::cargo_install::bin_dir().join("rustup");
    for tool in [
        "rustup",
        "cargo",
        "rustc",
        "rustdoc",
        "rustfmt",
        "cargo-fmt",
        "cargo-clippy",
        "clippy-driver",
    ] {
        fs::copy(&rustup_exe, bin.join(tool))?;
    }
    if setup::installed_evcxr()?.is_some() {
        fs::copy(
            crate::cargo_install::bin_dir().join("evcxr_jupyter"),
            bin.join("evcxr_jupyter"),
        )?;
        for record in [".crates.toml", ".crates2.json"] {
            fs::copy(
                cargo_home.join(record),
                rootfs.join("usr/local/cargo").join(record),
            )?;
        }
    }
    Ok(())
}

/// Certificate authorities this machine trusts beyond Debian's (an HTTPS
/// proxy's, where it has one), for the image's `update-ca-certificates`.
fn add_certificates(rootfs: &Path) -> Result<()> {
    let Ok(files) = fs::read_dir(LOCAL_CERTIFICATES) else {
        return Ok(());
    };
    let to = rootfs.join(LOCAL_CERTIFICATES.trim_start_matches('/'));
    fs::create_dir_all(&to)?;
    for file in files.filter_map(|f| f.ok()) {
        fs::copy(file.path(), to.join(file.file_name()))?;
    }
    Ok(())
}

/// `cp -a`: links, modes and times kept.
fn copy(from: &Path, to: &Path) -> Result<()> {
    child::status(Command::new("cp").arg("-a").arg(from).arg(to), 30 * MINUTE)
}

/// The folder as an image, with the environment the official image sets.
fn import(engine: &Engine, rootfs: &Path) -> Result<()> {
    let mut tar = Command::new("tar")
        .arg("-C")
        .arg(rootfs)
        .args(["-c", "."])
        .stdout(Stdio::piped())
        .spawn()
        .context("could not start tar")?;
    let archive = tar.stdout.take().expect("piped");
    let mut import = engine.command();
    import.arg("import");
    for change in [
        "ENV RUSTUP_HOME=/usr/local/rustup",
        "ENV CARGO_HOME=/usr/local/cargo",
        "ENV PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        // pip trusts its own list otherwise, without this machine's additions.
        "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt",
        "CMD [\"bash\"]",
    ] {
        import.args(["--change", change]);
    }
    let status = import.args(["-", LOCAL_BASE]).stdin(archive).status();
    let tar_status = child::wait(&mut tar, 30 * MINUTE, "tar")?;
    if !status.context("could not start the import")?.success() || !tar_status.success() {
        bail!("the base image could not be imported");
    }
    Ok(())
}
