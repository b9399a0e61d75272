"""Runs many Vela compilations in one Python process (Vela's start-up, mostly importing it, costs
several times one compilation of a small model).

usage: python vela_batch.py JOBS
JOBS has one compilation per line: the path of a log file, a tab, then Vela's command-line
arguments separated by tabs. Each compilation's printed output goes to its log file, exactly what
the `vela` command would print; after it, this process prints "exit <index> <code>", where code is
what the `vela` command would have exited with (1 for an uncaught error, whose traceback is in the
log).
"""
import contextlib
import sys
import traceback

from ethosu.vela import vela


def run(args, log):
    with open(log, "w", encoding="utf-8") as out, contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = vela.main(args)
        except SystemExit as e:  # argparse and Vela's own refusals exit
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            if e.code is not None and not isinstance(e.code, int):
                print(e.code)
        except Exception:  # noqa: BLE001 - reported in the log as the command would
            traceback.print_exc()
            code = 1
        out.flush()
    return 0 if code is None else code


def main(jobs_file):
    with open(jobs_file, encoding="utf-8") as f:
        jobs = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for index, (log, *args) in enumerate(jobs):
        print("exit %d %d" % (index, run(args, log)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
