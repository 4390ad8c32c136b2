//! The kernelspec named `rust`: the real kernel's, or until it is built a
//! placeholder's, named and shown alike ("Rust"), so that a notebook opened
//! early finds a kernel that says how long the build has left.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::child::{self, MINUTE};
use crate::notebook_env::{Done, Env, timed};
use crate::platform::{self, venv_program};
use crate::{kernel_build, kernel_warm};

/// The real kernel's kernelspec, in place of the placeholder's if that is there.
pub fn install(env: &Env, evcxr: &Path) -> Result<()> {
    timed("Rust kernelspec and kernel settings", || {
        ensure_kernelspec(env, evcxr)
    })?;
    kernel_build::mark_ready(&env.root)
}

/// Where our kernelspec named `rust` lives.
fn spec_dir(jupyter_path: &Path) -> PathBuf {
    jupyter_path.join("kernels/rust")
}

/// Writes `spec` as the kernelspec's kernel.json; whether it changed.
fn write_spec(dir: &Path, spec: &serde_json::Value) -> Result<bool> {
    let text = serde_json::to_string_pretty(spec)? + "\n";
    let file = dir.join("kernel.json");
    if fs::read_to_string(&file).ok().as_deref() == Some(text.as_str()) {
        return Ok(false);
    }
    fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    fs::write(&file, text).with_context(|| file.display().to_string())?;
    Ok(true)
}

/// The stand-in kernelspec, named and shown as the real one ("Rust"), whose
/// kernel answers every cell with how long the build has left, and hands over
/// to the real kernel on a restart once it is built
/// (`xtask/jupyter/placeholder_kernel.py`).
fn placeholder_spec(root: &Path, python: &Path, spec_dir: &Path) -> serde_json::Value {
    serde_json::json!({
        "argv": [
            python,
            root.join("xtask/jupyter/placeholder_kernel.py"),
            spec_dir,
            kernel_build::progress_file(root),
            "{connection_file}",
        ],
        "display_name": "Rust",
        "language": "rust",
        "interrupt_mode": "message",
        "metadata": { "workbook_placeholder": true },
    })
}

/// Puts the placeholder kernelspec where the real one goes.
pub fn install_placeholder(env: &Env) -> Result<()> {
    timed(
        "Placeholder Rust kernelspec (until the kernel is built)",
        || {
            let python = venv_program(&env.venv, "python");
            let dir = spec_dir(&env.jupyter_path);
            let changed = write_spec(&dir, &placeholder_spec(&env.root, &python, &dir))?;
            Ok((
                (),
                if changed {
                    Done::Installed
                } else {
                    Done::Already
                },
            ))
        },
    )
}

/// Writes the kernelspec into the virtual environment, where its Jupyter
/// looks, with the settings our kernel needs in its environment.
fn ensure_kernelspec(env: &Env, evcxr: &Path) -> Result<((), Done)> {
    let (root, jupyter_path) = (&env.root, &env.jupyter_path);
    let dir = spec_dir(jupyter_path);
    let libdir = child::first_line(Command::new("rustc").args(["--print", "target-libdir"]))
        .context("`rustc --print target-libdir` failed")?;
    let mut spec = serde_json::json!({
        // Through a launcher that gives the kernel a build folder kept
        // between kernels, so that a first cell reuses what the last one compiled.
        "argv": [
            venv_program(&env.venv, "python"),
            root.join("xtask/jupyter/rust_kernel.py"),
            kernel_warm::slots_dir(root),
            evcxr,
            "--control_file",
            "{connection_file}",
        ],
        "display_name": "Rust",
        "language": "rust",
        "interrupt_mode": "message",
        "env": {
            // init.evcxr there makes a panic an error. It leaves evcxr's compile
            // cache (`:cache`) off: the cache copies a crate's dependency list with
            // the absolute paths of the folder that first built it, so once that
            // folder is gone (a `cargo clean`, a probe's temporary kernel) cargo
            // rebuilds serde and the workbook on every cell. The kept build folders
            // (`kernel_warm`) do the cache's job.
            "EVCXR_CONFIG_DIR": root.join("xtask/evcxr"),
            // With CARGO_INCREMENTAL=0 inherited from a shell, cargo can take a
            // cell's library for fresh and the kernel loads an old one ("dlsym failed").
            "CARGO_INCREMENTAL": "1",
        },
    });
    // Without it the kernel can die at start when its temp folder and the
    // toolchain share a parent folder.
    if let Some(var) = platform::LIBRARY_PATH_VAR {
        spec["env"][var] = libdir.into();
    }
    let text = serde_json::to_string_pretty(&spec)? + "\n";
    if fs::read_to_string(dir.join("kernel.json")).ok().as_deref() == Some(text.as_str()) {
        return Ok(((), Done::Already));
    }
    // The kernel rewrites its kernelspec when it finds its files missing or
    // out of date, so let it install them (logo, version.txt) first; then
    // add our settings to kernel.json, which it leaves alone from then on.
    let out = child::output(
        Command::new(evcxr)
            .arg("--install")
            .env("JUPYTER_PATH", jupyter_path),
        MINUTE,
    )?;
    if !out.status.success() {
        bail!(
            "`evcxr_jupyter --install` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    write_spec(&dir, &spec)?;
    Ok(((), Done::Installed))
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;
    use crate::kernel_build::{Progress, State, progress_file, unix_now};

    /// A workspace of its own under the temp folder, with this checkout's
    /// placeholder script, and its `Env` (whose virtual environment is not made).
    fn scratch(name: &str) -> Env {
        let root = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(crate::output_dir(&root, "setup")).unwrap();
        fs::create_dir_all(root.join("xtask/jupyter")).unwrap();
        // The placeholder imports the generated protocol module beside it.
        for script in ["xtask/jupyter/placeholder_kernel.py", "xtask/protocol.py"] {
            fs::copy(crate::root().join(script), root.join(script)).unwrap();
        }
        let venv = root.join(".venv");
        Env {
            jupyter_path: venv.join("share/jupyter"),
            venv,
            root,
        }
    }

    #[cfg(unix)] // read by the Unix-only tests below
    fn spec(env: &Env) -> serde_json::Value {
        let file = spec_dir(&env.jupyter_path).join("kernel.json");
        serde_json::from_str(&fs::read_to_string(file).unwrap()).unwrap()
    }

    fn building(env: &Env, pid: u32) -> Progress {
        let now = unix_now();
        Progress {
            state: State::Building,
            started: now - 100,
            updated: now,
            done: Some(45),
            total: Some(290),
            left_s: Some(170),
            pid,
            log: crate::kernel_build::log_file(&env.root),
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_real_kernelspec_replaces_the_placeholder_under_the_same_name() {
        let env = scratch("kernelspec-swap");
        install_placeholder(&env).unwrap();
        let early = spec(&env);
        assert_eq!(early["display_name"], "Rust");
        assert_eq!(early["metadata"]["workbook_placeholder"], true);
        let argv: Vec<&str> = early["argv"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(argv[0].contains(".venv"), "{argv:?}");
        assert!(argv[1].ends_with("placeholder_kernel.py"), "{argv:?}");
        assert_eq!(argv[3], progress_file(&env.root).to_str().unwrap());
        assert_eq!(argv[4], "{connection_file}");

        // A stand-in for the built kernel: `--install` succeeds and does nothing.
        let fake = env.root.join("evcxr_jupyter");
        fs::write(&fake, "#!/bin/sh\nexit 0\n").unwrap();
        platform::set_mode(&fake, 0o755).unwrap();
        building(&env, 1).write(&progress_file(&env.root)).unwrap();
        install(&env, &fake).unwrap();
        let real = spec(&env);
        let state = Progress::read(&progress_file(&env.root)).map(|p| p.state);
        fs::remove_dir_all(&env.root).unwrap();
        assert_eq!(real["display_name"], "Rust");
        assert!(
            real["argv"][1]
                .as_str()
                .unwrap()
                .ends_with("rust_kernel.py"),
            "{real}"
        );
        assert_eq!(
            real["argv"][2],
            kernel_warm::slots_dir(&env.root).to_str().unwrap()
        );
        assert_eq!(real["argv"][3], fake.to_str().unwrap());
        assert!(real.get("metadata").is_none(), "{real}");
        assert!(real["env"]["EVCXR_CONFIG_DIR"].is_string(), "{real}");
        assert_eq!(real["env"]["CARGO_INCREMENTAL"], "1", "{real}");
        assert_eq!(state, Some(State::Ready));
    }

    #[test]
    fn the_placeholder_says_what_the_build_file_says() {
        // The placeholder needs only Python's standard library: the system's
        // python3 runs it when `.venv` is not made yet.
        let python = crate::notebook_env::any_python(&crate::root());
        let env = scratch("placeholder-message");
        let file = env.root.join("progress.json");
        let gone = {
            let mut done = Command::new("true").spawn().unwrap();
            let pid = done.id();
            done.wait().unwrap();
            pid
        };
        let say = |progress: Option<Progress>| -> String {
            match progress {
                Some(p) => p.write(&file).unwrap(),
                None => {
                    let _ = fs::remove_file(&file);
                }
            }
            let script = "import json, sys, time; sys.path.insert(0, sys.argv[1]); \
                          import placeholder_kernel as k; \
                          print(k.message(k.read_json(sys.argv[2]), time.time()))";
            let out = child::output(
                Command::new(&python)
                    .args(["-c", script])
                    .arg(crate::root().join("xtask/jupyter"))
                    .arg(&file),
                MINUTE,
            )
            .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let running = building(&env, std::process::id());
        let text = say(Some(running.clone()));
        assert!(
            text.contains("still being built: about 3 minutes left"),
            "{text}"
        );
        assert!(text.contains("45 of 290 crates compiled"), "{text}");
        assert!(
            text.contains("prints 'Rust kernel ready', restart the kernel (Kernel > Restart)"),
            "{text}"
        );
        let text = say(Some(Progress {
            left_s: Some(20),
            ..running.clone()
        }));
        assert!(text.contains("less than a minute left"), "{text}");
        let text = say(Some(Progress {
            pid: gone,
            ..running.clone()
        }));
        assert!(text.contains("stopped before it finished"), "{text}");
        let text = say(Some(Progress {
            state: State::Failed,
            ..running.clone()
        }));
        assert!(text.contains("could not be built"), "{text}");
        assert!(text.contains("evcxr-install.log"), "{text}");
        let text = say(Some(Progress {
            state: State::Ready,
            ..running
        }));
        assert!(text.contains("is ready: restart the kernel"), "{text}");
        let text = say(None);
        fs::remove_dir_all(&env.root).unwrap();
        assert!(
            text.contains("not built yet. Run `cargo xtask lab`"),
            "{text}"
        );
    }

    /// Through Jupyter's own client: a cell in the placeholder kernel says how
    /// long is left; once the real kernelspec is in place (here Python's
    /// kernel, so that no Rust kernel is needed) a restart runs the real one.
    #[test]
    #[ignore = "needs Jupyter in .venv: `cargo xtask test --only workspace` makes it, then runs this"]
    fn a_restarted_placeholder_hands_over_to_the_real_kernel() {
        let python = crate::notebook_env::venv_python(&crate::root());
        let env = Env {
            venv: crate::root().join(".venv"),
            ..scratch("placeholder-restart")
        };
        let dir = spec_dir(&env.jupyter_path);
        write_spec(&dir, &placeholder_spec(&env.root, &python, &dir)).unwrap();
        let file = progress_file(&env.root);
        building(&env, std::process::id()).write(&file).unwrap();
        let errors = env.root.join("probe-errors.txt");
        let mut probe = Command::new(&python)
            .arg(crate::root().join("xtask/kernel_probe.py"))
            .args(["1+1", "--restart"])
            .env("JUPYTER_PATH", &env.jupyter_path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(fs::File::create(&errors).unwrap())
            .spawn()
            .unwrap();
        let (lines, replies) = mpsc::channel();
        let stdout = probe.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let reply = |what: &str| -> serde_json::Value {
            let line = replies
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| {
                    let why = fs::read_to_string(&errors).unwrap_or_default();
                    panic!("no reply from the {what} within 2 minutes:\n{why}")
                });
            serde_json::from_str(&line).unwrap()
        };
        let early = reply("placeholder");
        write_spec(
            &dir,
            &serde_json::json!({
                "argv": [&python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Rust",
                "language": "python",
            }),
        )
        .unwrap();
        let mut ready = building(&env, std::process::id());
        ready.state = State::Ready;
        ready.write(&file).unwrap();
        writeln!(probe.stdin.as_mut().unwrap()).unwrap();
        let late = reply("restarted kernel");
        let _ = child::wait(&mut probe, MINUTE, "the probe");
        fs::remove_dir_all(&env.root).unwrap();
        assert_eq!(early["status"], "error", "{early}");
        let text = early["text"].as_str().unwrap();
        assert!(text.contains("about 3 minutes left"), "{text}");
        assert_eq!(late["status"], "ok", "{late}");
        assert_eq!(late["text"], "2", "{late}");
    }
}
