#!/usr/bin/env bash
# The main job: executes every notebook in notebooks/ in order with the full settings (5 epochs,
# all of MNIST), leaving executed copies in notebooks/executed/, models and their cards in
# conditioned_models/, and the executed notebooks and model cards as a book in site/.
#   ./run.sh        run every notebook
#   ./run.sh lab    open the notebooks in JupyterLab instead
# Run parameters (EPOCHS, FINE_TUNE_EPOCHS, TRAIN_LIMIT, TEST_LIMIT, EVAL_LIMIT,
# CALIBRATION_SAMPLES) can be set in the environment to override the defaults.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

./setup.sh > /dev/null || { echo "run.sh: ./setup.sh failed; run it on its own to see why" >&2; exit 1; }

if [ "${1:-}" = "lab" ]; then
  cd notebooks
  exec ../env/bin/jupyter lab --notebook-dir="$ROOT/notebooks"
fi
[ $# -eq 0 ] || { echo "usage: ./run.sh [lab]" >&2; exit 2; }

mkdir -p notebooks/executed conditioned_models
# On a terminal, a line under each notebook shows the running cell and what it last printed.
progress=()
[ -t 1 ] && progress=(--progress)
failed=0
for notebook in notebooks/[0-9]*.ipynb; do
  name=$(basename "$notebook")
  printf '==> %s\n' "$name"
  start=$(date +%s)
  if env/bin/python notebooks/execute.py "${progress[@]}" "$notebook" "notebooks/executed/$name" 3600 \
       2> "notebooks/executed/$name.log"; then
    printf '    done in %ss\n' "$(( $(date +%s) - start ))"
  else
    printf '    FAILED after %ss (see notebooks/executed/%s and its .log)\n' "$(( $(date +%s) - start ))" "$name"
    grep -v '^\[I ' "notebooks/executed/$name.log" | tail -25 >&2
    failed=1
    break
  fi
done

if [ $failed -eq 0 ]; then
  env/bin/python notebooks/site.py notebooks/executed conditioned_models site \
    || { echo "run.sh: building the book failed" >&2; failed=1; }
fi

echo
echo "The book of this run: $ROOT/site/index.html (opens from the file system)"
echo "Executed notebooks: $ROOT/notebooks/executed/"
echo "Models and metrics: $ROOT/conditioned_models/"
ls -l conditioned_models | grep -v '^total' || true
exit $failed
