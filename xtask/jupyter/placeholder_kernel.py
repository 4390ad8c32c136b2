"""The Rust kernel's stand-in while `cargo xtask lab` builds the real one.

`cargo xtask lab` installs this as the kernelspec named `rust` (display name
"Rust") before the real kernel is built, so that a notebook opened early has a
kernel. Every cell it is asked to run answers, in the notebook, how long the
build has left, from the progress file that the build rewrites as it goes.

Once the build is done, the real kernelspec replaces this one under the same
name. JupyterLab keeps the kernelspec it started a notebook's kernel with, so
Kernel > Restart starts this script again: it then sees the real kernelspec and
the finished build, and hands over to the real kernel in its place.

Usage (the kernelspec's argv): python placeholder_kernel.py SPEC_DIR PROGRESS_FILE CONNECTION_FILE
"""

import json
import math
import os
import subprocess
import sys
import time

# The progress file's field names and states, generated from xtask/src/protocol.rs.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import protocol  # noqa: E402

# The build's progress file, read by every cell.
PROGRESS = None


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def alive(pid):
    """Whether the process `pid` still runs (where that can be asked; else assume it does)."""
    if not pid:
        return False
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def clock(seconds):
    return time.strftime("%H:%M", time.localtime(seconds))


def minutes_left(progress, now):
    """Whole minutes left, from the build's last estimate and the time since it was made."""
    left = progress.get(protocol.PROGRESS_LEFT_S)
    if left is None:
        return None
    return max(0.0, left - (now - progress.get(protocol.PROGRESS_UPDATED, now))) / 60


def message(progress, now):
    """What a cell prints while the real kernel is not there."""
    how = "restart the kernel (Kernel > Restart) once `cargo xtask lab` prints 'Rust kernel ready'."
    if progress is None:
        return (
            "The Rust kernel is not built yet. Run `cargo xtask lab` in a terminal: it builds it "
            "(about 6 minutes on 2 cores, once per machine) while you read; then " + how
        )
    state = progress.get(protocol.PROGRESS_STATE)
    if state == protocol.STATE_READY:
        return "The Rust kernel is ready: restart the kernel (Kernel > Restart) and run this cell again."
    if state == protocol.STATE_FAILED:
        return (
            "The Rust kernel could not be built (what went wrong is at the end of "
            f"{progress.get(protocol.PROGRESS_LOG, 'the build log')}). Run `cargo xtask lab` again in a terminal: "
            "it says what to do."
        )
    started = clock(progress.get(protocol.PROGRESS_STARTED, now))
    if not alive(progress.get(protocol.PROGRESS_PID)):
        return (
            f"The Rust kernel's build (started {started}) stopped before it finished, "
            "so this kernel cannot run Rust. Run `cargo xtask lab` again in a terminal: it "
            "builds the kernel while you read; then " + how
        )
    minutes = minutes_left(progress, now)
    if minutes is None:
        left = "its crates are being downloaded"
    elif minutes < 1:
        left = "less than a minute left"
    else:
        n = math.ceil(minutes)
        left = f"about {n} minute{'s' if n != 1 else ''} left"
    done, total = progress.get(protocol.PROGRESS_DONE), progress.get(protocol.PROGRESS_TOTAL)
    crates = f", {done} of {total} crates compiled" if total else ""
    return (
        f"The Rust kernel is still being built: {left} (started {started}{crates}). "
        "Reading works now. When `cargo xtask lab` prints 'Rust kernel ready', restart the "
        "kernel (Kernel > Restart) and run this cell again."
    )


def real_kernel(spec_dir, progress):
    """The real kernel's argv and env, once the build is done and its kernelspec is in place."""
    if (progress or {}).get(protocol.PROGRESS_STATE) != protocol.STATE_READY:
        return None
    spec = read_json(os.path.join(spec_dir, "kernel.json"))
    if not spec or spec.get("metadata", {}).get("workbook_placeholder") or not spec.get("argv"):
        return None
    return spec["argv"], spec.get("env", {})


def hand_over(argv, env, connection_file):
    """Becomes the real kernel, on the same connection file (a child process where exec is missing)."""
    argv = [a.replace("{connection_file}", connection_file) for a in argv]
    os.environ.update(env)
    if os.name == "posix":
        os.execv(argv[0], argv)
    sys.exit(subprocess.call(argv))


def main():
    global PROGRESS
    spec_dir, PROGRESS, connection_file = sys.argv[1:4]
    real = real_kernel(spec_dir, read_json(PROGRESS))
    if real:
        hand_over(*real, connection_file)

    from ipykernel.kernelapp import IPKernelApp
    from ipykernel.kernelbase import Kernel

    class Placeholder(Kernel):
        implementation = "workbook-placeholder"
        implementation_version = "1"
        language = "rust"
        language_version = ""
        # As the real kernel says it (a notebook's metadata keeps it): opening a
        # notebook early then changes nothing in it.
        language_info = {
            "codemirror_mode": "rust",
            "file_extension": ".rs",
            "mimetype": "text/rust",
            "name": "Rust",
            "pygment_lexer": "rust",
            "version": "",
        }
        banner = "Stand-in for the Rust kernel while it is built"

        def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False, **_):
            text = message(read_json(PROGRESS), time.time())
            if not silent:
                self.send_response(self.iopub_socket, "stream", {"name": "stderr", "text": text + "\n"})
            return {
                "status": "error",
                "execution_count": self.execution_count,
                "ename": "RustKernelNotReady",
                "evalue": text,
                "traceback": [],
            }

    IPKernelApp.launch_instance(kernel_class=Placeholder, argv=["-f", connection_file])


if __name__ == "__main__":
    main()
