"""Starts the Rust kernel in a build folder that outlives it.

Usage (the kernelspec's argv): python rust_kernel.py SLOTS_DIR EVCXR [EVCXR'S ARGUMENTS...]

Left to itself the kernel builds in a new temporary folder and deletes it on
exit, so every notebook's first cell compiled the workbook crate again. Here
each kernel gets a numbered folder under SLOTS_DIR (EVCXR_TMPDIR), the lowest
that no running kernel holds: cargo finds there what the last kernel in that
folder compiled and builds only what changed. A lock on SLOTS_DIR/N.lock marks
the folder taken; the kernel inherits it, so it is held as long as the kernel
(or anything it started) runs, and released however it ends.

Where file locks or exec are missing (Windows), the kernel builds in a
temporary folder as it would alone.
"""

import os
import subprocess
import sys

# More kernels than this at once share nothing: the rest build in temporary folders.
MOST_SLOTS = 32


def take_slot(slots_dir):
    """The folder of the lowest free slot, its lock held by an inheritable descriptor; None when all are taken."""
    import fcntl

    os.makedirs(slots_dir, exist_ok=True)
    for n in range(MOST_SLOTS):
        fd = os.open(os.path.join(slots_dir, f"{n}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        os.set_inheritable(fd, True)
        folder = os.path.join(slots_dir, str(n))
        os.makedirs(folder, exist_ok=True)
        return folder
    return None


def main():
    slots_dir, evcxr, *args = sys.argv[1:]
    argv = [evcxr, *args]
    if os.name != "posix":
        sys.exit(subprocess.call(argv))
    folder = take_slot(slots_dir)
    if folder:
        os.environ["EVCXR_TMPDIR"] = folder
    os.execv(evcxr, argv)


if __name__ == "__main__":
    main()
