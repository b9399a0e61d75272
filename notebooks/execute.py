"""Executes one notebook headlessly with the condition4j Java kernel.

usage: execute.py [--progress] NOTEBOOK OUTPUT [CELL_TIMEOUT_SECONDS]

Writes the executed copy to OUTPUT (also when a cell fails, so the error can be read in place),
with consecutive printed outputs merged and carriage-return updates collapsed as Jupyter shows
them, so a progress bar redrawn in place keeps only its last state. On a failing cell prints the
cell's source and the kernel's error and exits with 1; on a kernel that dies or a cell that runs
past the time-out, exits with 2.

--progress shows on standard output, while the notebook runs, one line that is rewritten in
place: which code cell of how many is running and the last line it printed (e.g. the training
progress). Everything else (errors, Jupyter's log) goes to standard error.
"""
import os
import re
import shutil
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ProgressClient(NotebookClient):
    """Reports the running cell and its latest printed line on a terminal line of its own."""

    def __init__(self, nb, stream, **kwargs):
        super().__init__(nb, **kwargs)
        self.stream = stream
        self.code_cells = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
        self.cell_label = ""
        self.on_cell_start = self.cell_started

    def cell_started(self, cell, cell_index):
        if cell_index in self.code_cells:
            self.cell_label = f"cell {self.code_cells.index(cell_index) + 1}/{len(self.code_cells)}"
            self.show("")

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "stream":
            lines = [line.split("\r")[-1] for line in msg["content"].get("text", "").split("\n")]
            printed = [line for line in lines if line.strip()]
            if printed:
                self.show(printed[-1])
        return super().output(outs, msg, display_id, cell_index)

    def show(self, text):
        width = shutil.get_terminal_size((100, 20)).columns - 1
        line = f"  {self.cell_label}  {ANSI.sub('', text).strip()}"
        self.stream.write("\r\x1b[K" + line[:width])
        self.stream.flush()

    def finish(self):
        self.stream.write("\r\x1b[K")
        self.stream.flush()


def write(nb, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    tmp = path + ".tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, path)


def main(args):
    progress = "--progress" in args
    args = [a for a in args if a != "--progress"]
    if len(args) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    source, output = args[0], args[1]
    cell_timeout = int(args[2]) if len(args) > 2 else 1800
    nb = nbformat.read(source, as_version=4)
    options = dict(
        timeout=cell_timeout,
        kernel_name="condition4j",
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}},
    )
    client = ProgressClient(nb, sys.stdout, **options) if progress else NotebookClient(nb, **options)
    try:
        client.execute()
    except CellExecutionError as error:
        # nbclient's message has the cell's source and the kernel's traceback; the exception's
        # own type and message are in the error output.
        print(ANSI.sub("", str(error)), file=sys.stderr)
        print(f"{error.ename}: {ANSI.sub('', error.evalue)}", file=sys.stderr)
        return 1
    except (CellTimeoutError, DeadKernelError) as error:
        print(f"{type(error).__name__}: {ANSI.sub('', str(error))}", file=sys.stderr)
        return 2
    finally:
        if progress:
            client.finish()
        write(nb, output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
