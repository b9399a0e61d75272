"""Executes one notebook headlessly with the condition4j Java kernel.

usage: execute.py NOTEBOOK OUTPUT [CELL_TIMEOUT_SECONDS]

Writes the executed copy to OUTPUT (also when a cell fails, so the error can be read in place).
On a failing cell prints the cell's source and the kernel's error and exits with 1; on a kernel
that dies or a cell that runs past the time-out, exits with 2.
"""
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def write(nb, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, path)


def main():
    source, output = sys.argv[1], sys.argv[2]
    cell_timeout = int(sys.argv[3]) if len(sys.argv) > 3 else 1800
    nb = nbformat.read(source, as_version=4)
    client = NotebookClient(
        nb,
        timeout=cell_timeout,
        kernel_name="condition4j",
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}},
    )
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
        write(nb, output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
