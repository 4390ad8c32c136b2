"""Execute notebooks through the Rust kernel and fail on anything wrong.

Prints one JSON object per notebook on its own line, read by `cargo xtask`:
{"notebook": name, "ok": bool, "code_cells": n, "charts": drawn charts,
 "seconds": s, "problems": [{"cell": n, "what": text}], "log": path, "saved": bool}
(cell 0 is the kernel itself). Nothing else goes to stdout. A notebook fails on
an error output, on `panicked at` anywhere in its outputs (the kernel does not
always turn a panic into an error), on a wrong answer (a check's JSON result
says `wrong`, or a loom model's says it failed), on a cell
tagged `compile-fail` that compiles or fails for another reason, on a cell
tagged `expect-wrong` that shows no wrong answer,
on a cell that shows a bare `()` (its last line lacks a `;`), and on a chart
listed as SVG text instead of drawn. A drawn chart carries the
`data-workbook-chart` attribute that `workbook::Chart` puts in its display.
Exit status 1 when any notebook failed.
Usage: nbrun.py [--save] LOG_DIR RUN_DIR [NOTEBOOK...]
(kernel logs go to LOG_DIR; --save keeps executed *-solved notebooks in RUN_DIR).
With no NOTEBOOK, it reads one path per line on stdin and answers each before
reading the next, until stdin closes: xtask hands several runners their next
notebook as each finishes.
"""

import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

# The tag names and the check result's MIME type, generated from xtask/src/protocol.rs.
import protocol

CELL_TIMEOUT = 600  # seconds: the first cell compiles the helper crates cold


def cell_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}\n" + "\n".join(out.traceback))
        else:
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


CHART_MARKER = "data-workbook-chart"
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# rustc writes `error[E0373]: ...`; the evcxr kernel writes `[E0373] Error: ...`.
COMPILE_ERROR = re.compile(r"error\[E\d{4}\]|\[E\d{4}\] Error|error:")


def short(text, limit=1500):
    text = ANSI_COLOUR.sub("", text).strip()
    return text if len(text) <= limit else text[:limit] + " ..."


def results(cell, mime):
    """The JSON objects a cell's outputs carry under `mime`."""
    found = [o.get("data", {}).get(mime) for o in cell.outputs]
    return [r for r in found if isinstance(r, dict)]


def problems(nb):
    """Yield (cell number, what is wrong) for every failing code cell."""
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        text = cell_text(cell)
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if protocol.COMPILE_FAIL_TAG in cell.metadata.get("tags", []):
            if not errors:
                yield number, "was meant not to compile, but it compiled"
            elif not COMPILE_ERROR.search(text):
                yield number, "was meant to fail compiling, but failed otherwise:\n" + short(text)
            continue
        # Only the JSON beside the text says so, never the text itself: a
        # check's result, or a loom model's (`workbook::model::show`).
        wrong = any(
            r.get("status") == protocol.CHECK_WRONG for r in results(cell, protocol.CHECK_MIME)
        ) or any(r.get("failed") is True for r in results(cell, protocol.MODEL_MIME))
        if protocol.EXPECT_WRONG_TAG in cell.metadata.get("tags", []):
            # A demo of a check rejecting a wrong answer on purpose.
            if not wrong:
                yield number, "was meant to show a check rejecting an answer, but none was rejected:\n" + short(text)
            continue
        if errors:
            yield number, "error:\n" + short(text)
        elif "panicked at" in text:
            yield number, "panicked:\n" + short(text)
        elif wrong:
            yield number, "a check reported a wrong answer, or a loom model failed:\n" + short(text)
        elif any(o.get("data", {}).get("text/plain") == "()" for o in cell.outputs):
            yield number, "shows a bare `()`: end the cell's last statement with `;`"
        elif any("<svg" in str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs):
            yield number, "lists a chart's SVG text instead of drawing it: end the cell with a block `{ ... chart }`"


def charts_drawn(nb):
    """How many outputs are charts drawn by `workbook::Chart` (they carry its marker)."""
    return sum(
        CHART_MARKER in str(o.get("data", {}).get("image/svg+xml", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.outputs
    )


def save(nb, path, save_dir):
    """Keeps the executed notebook in SAVE_DIR; xtask then writes
    its outputs into notebooks/ through the generator, the one notebook writer."""
    save_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, save_dir / path.name)


def run(path, log_dir, save_dir):
    """Runs one notebook; with SAVE_DIR (not None) a passing solved one is kept there."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and protocol.COMPILE_FAIL_TAG in cell.metadata.get("tags", []):
            # nbclient's own tag for a cell whose error is expected.
            cell.metadata.setdefault("tags", []).append("raises-exception")
    client = NotebookClient(
        nb,
        kernel_name="rust",
        timeout=CELL_TIMEOUT,
        allow_errors=True,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    # The kernel's own chatter (cargo's "Compiling ...") goes to a log file,
    # named in the report when something fails.
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / (path.stem + ".kernel.log")
    start = time.monotonic()
    failure = None
    with open(log_path, "w") as log:
        try:
            client.execute(stdout=log, stderr=log)
        except Exception as exc:  # a dead kernel or a cell past its timeout
            failure = f"{type(exc).__name__}: {short(str(exc))}"
    seconds = time.monotonic() - start
    found = list(problems(nb))
    if failure:
        found.insert(0, (0, failure))
    for cell in nb.cells:
        if cell.cell_type == "code":
            tags = cell.metadata.get("tags", [])
            if "raises-exception" in tags:
                tags.remove("raises-exception")
            if not tags:
                cell.metadata.pop("tags", None)
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
    saved = save_dir is not None and not found and path.stem.endswith("-solved")
    if saved:
        save(nb, path, save_dir)
    result = {
        "notebook": path.name,
        "ok": not found,
        "code_cells": code_cells,
        "charts": charts_drawn(nb),
        "seconds": round(seconds, 3),
        "problems": [{"cell": number, "what": what} for number, what in found],
        "log": str(log_path),
        "saved": saved,
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return not found


def main(argv):
    save_wanted = "--save" in argv
    args = [a for a in argv if a != "--save"]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    log_dir, save_dir = Path(args[0]), Path(args[1]) if save_wanted else None
    if len(args) > 2:
        paths = (Path(a) for a in args[2:])
    else:
        paths = (Path(line.rstrip("\n")) for line in sys.stdin if line.strip())
    results = [run(p, log_dir, save_dir) for p in paths]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
