//! Whether learners' code may run here, and how: decided from the facts
//! alone ([`choose`]), so that every refusal can be tested without being
//! another user on another system.

use std::process::Command;

use crate::child;

/// What the choice depends on.
#[derive(Clone, Copy, Debug)]
pub struct Facts {
    pub linux: bool,
    pub root: bool,
    /// `bwrap --version` runs.
    pub bwrap: bool,
    /// apt-get is there to install bubblewrap.
    pub apt_get: bool,
}

impl Facts {
    /// This machine's facts (the programs are looked for only on Linux as
    /// root, the only place they matter).
    pub fn here() -> Facts {
        let linux = cfg!(target_os = "linux");
        let root = crate::platform::is_root();
        let runs = |program: &str| {
            linux && root && child::first_line(Command::new(program).arg("--version")).is_some()
        };
        Facts {
            linux,
            root,
            bwrap: runs("bwrap"),
            apt_get: runs("apt-get"),
        }
    }
}

/// What grading does with learners' code.
#[derive(Debug, PartialEq, Eq)]
pub enum Choice {
    /// Runs it in bubblewrap, installed first (with apt-get) when `install`.
    Sandbox { install: bool },
    /// Runs it unconfined (`--no-sandbox`), after printing this warning.
    Unconfined(&'static str),
    /// Does not grade: why, and what to do.
    Refuse(&'static str),
}

/// What `--no-sandbox` risks, printed before grading starts.
pub const UNCONFINED: &str = "--no-sandbox: learners' code runs with your account's rights. It \
    can read your files and other learners' answers, use the network, write anywhere you can, \
    and leave processes running. Only the time, memory and output limits still hold.";

const NOT_LINUX: &str = "grading runs learners' code in a Linux sandbox (bubblewrap), and this \
    is not Linux. Run it on Linux, or pass --no-sandbox to run that code unconfined.";

const NOT_ROOT: &str = "grading needs root, to run each learner's code as an unprivileged \
    account in a sandbox (bubblewrap): run it with sudo, or pass --no-sandbox to run that code \
    unconfined.";

const NO_BWRAP: &str = "the sandbox needs bubblewrap (`bwrap`), and there is no apt-get here to \
    install it: install bubblewrap, or pass --no-sandbox to run learners' code unconfined.";

/// The choice for `facts`, when `--no-sandbox` was given or not.
pub fn choose(facts: &Facts, no_sandbox: bool) -> Choice {
    if no_sandbox {
        Choice::Unconfined(UNCONFINED)
    } else if !facts.linux {
        Choice::Refuse(NOT_LINUX)
    } else if !facts.root {
        Choice::Refuse(NOT_ROOT)
    } else if facts.bwrap {
        Choice::Sandbox { install: false }
    } else if facts.apt_get {
        Choice::Sandbox { install: true }
    } else {
        Choice::Refuse(NO_BWRAP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Linux, as root, with bubblewrap: where grading runs sandboxed.
    const READY: Facts = Facts {
        linux: true,
        root: true,
        bwrap: true,
        apt_get: true,
    };

    #[test]
    fn grading_refuses_without_a_sandbox_and_says_what_to_do() {
        let cases = [
            (
                Facts {
                    linux: false,
                    ..READY
                },
                "not Linux",
            ),
            (
                Facts {
                    root: false,
                    ..READY
                },
                "needs root",
            ),
            (
                Facts {
                    bwrap: false,
                    apt_get: false,
                    ..READY
                },
                "needs bubblewrap",
            ),
        ];
        for (facts, why) in cases {
            match choose(&facts, false) {
                Choice::Refuse(said) => {
                    assert!(said.contains(why), "{facts:?}: {said}");
                    assert!(said.contains("--no-sandbox"), "{facts:?}: {said}");
                }
                other => panic!("{facts:?} gave {other:?}, not a refusal"),
            }
        }
    }

    #[test]
    fn the_sandbox_is_used_and_installed_when_missing() {
        assert_eq!(choose(&READY, false), Choice::Sandbox { install: false });
        let missing = Facts {
            bwrap: false,
            ..READY
        };
        assert_eq!(choose(&missing, false), Choice::Sandbox { install: true });
    }

    #[test]
    fn no_sandbox_runs_anywhere_and_says_what_it_risks() {
        let nowhere = Facts {
            linux: false,
            root: false,
            bwrap: false,
            apt_get: false,
        };
        for facts in [READY, nowhere] {
            let Choice::Unconfined(warning) = choose(&facts, true) else {
                panic!("{facts:?}: --no-sandbox did not run unconfined");
            };
            for risk in [
                "your files",
                "other learners' answers",
                "network",
                "processes running",
            ] {
                assert!(
                    warning.contains(risk),
                    "the warning leaves out {risk}: {warning}"
                );
            }
        }
    }
}
