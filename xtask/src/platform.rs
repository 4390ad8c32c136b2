//! What `cargo xtask` does differently on Linux, macOS and Windows, in one
//! place: where programs live (a virtual environment's, cargo's), how the
//! kernel finds Rust's libraries, where libclang is, and how to install a
//! missing package here. The calls themselves (signals, process groups,
//! file modes) are `workbook::platform`'s, shared with the notebooks.
//!
//! Linux (Debian, Ubuntu) is where everything runs. macOS runs all but the
//! SLURM cluster natively (Homebrew for Open MPI and LLVM). Windows runs the
//! workbook through WSL2 or the container (README, section "Your computer").

use std::path::{Path, PathBuf};

pub use workbook::platform::{USE_LINUX_INSTEAD, private_file, set_mode};

/// Where a virtual environment keeps its programs.
pub fn venv_bin(venv: &Path) -> PathBuf {
    venv.join(if cfg!(windows) { "Scripts" } else { "bin" })
}

/// A program of a virtual environment: `bin/python`, or `Scripts\python.exe`.
pub fn venv_program(venv: &Path, name: &str) -> PathBuf {
    venv_bin(venv).join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// The user's home folder: `HOME`, or `USERPROFILE` on Windows.
fn home() -> Option<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    std::env::var_os(var).map(PathBuf::from)
}

/// Cargo's home: `CARGO_HOME`, else `.cargo` in the user's home.
pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

/// The variable a loader reads for extra library folders: the Rust kernel
/// loads each compiled cell, which needs Rust's own libraries. Windows has
/// none of its own (it searches `PATH`, which must not be replaced).
pub const LIBRARY_PATH_VAR: Option<&str> = if cfg!(target_os = "macos") {
    Some("DYLD_LIBRARY_PATH")
} else if cfg!(windows) {
    None
} else {
    Some("LD_LIBRARY_PATH")
};

/// A shell line that prints one libclang library when it is installed
/// (bindgen needs it to build the MPI bindings): Debian's `/usr/lib/llvm-*`,
/// or Homebrew's `llvm` on macOS.
pub const FIND_LIBCLANG: &str = if cfg!(target_os = "macos") {
    "ls \"$(brew --prefix llvm 2>/dev/null)\"/lib/libclang*.dylib 2>/dev/null | head -1"
} else {
    "ls /usr/lib/llvm-*/lib/libclang*.so* /usr/lib/*/libclang*.so* 2>/dev/null | head -1"
};

/// Packages by their name in each system's package manager.
pub struct Packages<'a> {
    /// Debian's and Ubuntu's names.
    pub apt: &'a [&'a str],
    /// Homebrew's names; empty when macOS has no such thing.
    pub brew: &'a [&'a str],
}

impl Packages<'_> {
    /// How to install them on this system, as an instruction: "run `sudo
    /// apt-get install ...`", "run `brew install ...`", or the way to Linux.
    pub fn hint(&self) -> String {
        hint_for(Os::here(), self)
    }
}

/// The systems a hint can be written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Os {
    Linux,
    Mac,
    Other,
}

impl Os {
    pub fn here() -> Os {
        if cfg!(target_os = "linux") {
            Os::Linux
        } else if cfg!(target_os = "macos") {
            Os::Mac
        } else {
            Os::Other
        }
    }
}

fn hint_for(os: Os, packages: &Packages) -> String {
    match os {
        Os::Linux => format!("run `sudo apt-get install {}`", packages.apt.join(" ")),
        Os::Mac if !packages.brew.is_empty() => {
            format!("run `brew install {}`", packages.brew.join(" "))
        }
        _ => USE_LINUX_INSTEAD.to_string(),
    }
}

/// The message of a command that runs on Linux only.
pub fn linux_only(what: &str) -> String {
    format!("{what}: Linux only; {USE_LINUX_INSTEAD}")
}

/// Whether this process runs as root (never, off Unix).
pub fn is_root() -> bool {
    workbook::platform::user_id() == Some(0)
}

/// Whether process `pid` may still run: false only once it has surely ended.
pub fn may_run(pid: u32) -> bool {
    !workbook::platform::process_ended(pid)
}

/// Set in the image (`Containerfile`): JupyterLab there listens on all of
/// the container's interfaces, which the host publishes on its 127.0.0.1 only.
pub const IN_CONTAINER: &str = "WORKBOOK_IN_CONTAINER";

/// Whether this process runs in a container: podman's `/run/.containerenv`,
/// docker's `/.dockerenv`, or the workbook's image (`WORKBOOK_IN_CONTAINER`).
pub fn in_container() -> bool {
    Path::new("/run/.containerenv").exists()
        || Path::new("/.dockerenv").exists()
        || std::env::var_os(IN_CONTAINER).is_some()
}

/// The capabilities this process holds (Linux's `CapEff` bits); `None`
/// where that is not known.
pub fn effective_capabilities() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let hex = status.lines().find_map(|l| l.strip_prefix("CapEff:"))?;
        u64::from_str_radix(hex.trim(), 16).ok()
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// This machine's name (Linux: the kernel's host name); `None` where not known.
pub fn host_name() -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
        Some(name.trim().to_string()).filter(|n| !n.is_empty())
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// The files allowed to name what only some systems have, and why.
#[cfg(test)]
const MAY_USE_UNIX: &[(&str, &str)] = &[
    (
        "workbook/src/platform.rs",
        "every such call of the workspace",
    ),
    (
        "workbook/src/platform/processes.rs",
        "the same, for processes",
    ),
    ("xtask/src/platform.rs", "this list, and the check below"),
    // The local SLURM cluster runs on Linux only, by design (Debian's
    // daemons): these read Linux's /proc, and find nothing elsewhere.
    (
        "xtask/src/cluster/ports.rs",
        "who listens on a port, from /proc",
    ),
    (
        "xtask/src/cluster/daemons.rs",
        "whether a daemon runs, from /proc",
    ),
    // A test probe: it looks at a process as another local user would.
    ("xtask/src/probe.rs", "what another user sees in /proc"),
    // Grading a class runs in bubblewrap, on Linux only (it refuses elsewhere).
    (
        "xtask/src/class/sandbox.rs",
        "bubblewrap's mounts, /proc among them",
    ),
    (
        "xtask/src/class/selftest.rs",
        "the class step's search for leftover processes in /proc",
    ),
];

/// What must stay in the files above.
#[cfg(test)]
const UNIX_ONLY: [&str; 3] = ["std::os::unix", "libc::", "/proc"];

/// The lines of the workspace's Rust files outside [`MAY_USE_UNIX`] that
/// name [`UNIX_ONLY`] calls, as `path:line`. Comments do not count; a test
/// file (under `tests/`) may, behind a `cfg` gate for Linux or Unix.
#[cfg(test)]
fn unix_calls_outside_the_platform_modules(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    dirs.push(path);
                }
                continue;
            }
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let relative = relative.to_string_lossy().replace('\\', "/");
            if !name.ends_with(".rs") || MAY_USE_UNIX.iter().any(|(p, _)| *p == relative) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let gated_test = relative.contains("/tests/")
                && (text.contains("cfg(target_os = \"linux\")") || text.contains("cfg(unix)"));
            if gated_test {
                continue;
            }
            for (i, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if !code.starts_with("//") && UNIX_ONLY.iter().any(|u| code.contains(u)) {
                    found.push(format!("{relative}:{}: {}", i + 1, code));
                }
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_system_is_told_its_own_way_to_install() {
        let mpi = Packages {
            apt: &["openmpi-bin", "libopenmpi-dev"],
            brew: &["open-mpi"],
        };
        let slurm = Packages {
            apt: &["slurmd"],
            brew: &[],
        };
        assert_eq!(
            hint_for(Os::Linux, &mpi),
            "run `sudo apt-get install openmpi-bin libopenmpi-dev`"
        );
        assert_eq!(hint_for(Os::Mac, &mpi), "run `brew install open-mpi`");
        assert!(hint_for(Os::Mac, &slurm).contains("WSL2 or the container"));
        assert!(hint_for(Os::Other, &mpi).contains("WSL2 or the container"));
    }

    #[test]
    fn unix_only_calls_live_in_the_platform_modules() {
        let found = unix_calls_outside_the_platform_modules(&crate::root());
        assert!(
            found.is_empty(),
            "Unix-only calls outside workbook/src/platform.rs and xtask/src/platform.rs \
             (move them there, behind a cfg gate with a plain answer elsewhere):\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn a_unix_call_is_found_and_a_comment_is_not() {
        let root = std::env::temp_dir().join(format!("xtask-unix-calls-{}", std::process::id()));
        std::fs::create_dir_all(root.join("a/src")).unwrap();
        std::fs::write(
            root.join("a/src/lib.rs"),
            "// libc::kill in a comment\nfn f() { unsafe { libc::kill(1, 0) }; }\n",
        )
        .unwrap();
        let found = unix_calls_outside_the_platform_modules(&root);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(
            found,
            ["a/src/lib.rs:2: fn f() { unsafe { libc::kill(1, 0) }; }"]
        );
    }

    #[test]
    fn a_linux_only_command_points_to_the_readme() {
        let said = linux_only("cargo xtask cluster");
        assert!(said.starts_with("cargo xtask cluster: Linux only; use WSL2 or the container"));
        assert!(
            said.contains(r#"(README, section "Your computer")"#),
            "{said}"
        );
    }

    #[test]
    fn a_virtual_environments_python_is_where_this_system_puts_it() {
        let python = venv_program(Path::new(".venv"), "python");
        if cfg!(windows) {
            assert_eq!(python, Path::new(".venv/Scripts/python.exe"));
        } else {
            assert_eq!(python, Path::new(".venv/bin/python"));
        }
    }

    #[cfg(unix)]
    #[test]
    fn this_process_may_run_and_an_ended_one_may_not() {
        assert!(may_run(std::process::id()));
        let mut ended = std::process::Command::new("true").spawn().unwrap();
        ended.wait().unwrap();
        assert!(!may_run(ended.id()));
    }
}
