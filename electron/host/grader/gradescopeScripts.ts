// The two scripts of a Gradescope autograder zip, as text. setup.sh runs once when Gradescope builds
// the image (network allowed): Node 20 from NodeSource's apt repository unless a node ≥ 20 is there,
// then the lab from its tarball with no network. run_autograder runs for every submission (no
// network): the lab grades it into results/results.json, and if the lab cannot even start, the
// script writes a results.json that says so. AUTOGRADER_ROOT replaces /autograder, for tests only.

export interface ScriptOptions {
  /** The exercise's id (checked by the rubric: lowercase letters, digits and dashes). */
  exercise: string;
  /** The file students submit (checked by the caller: a plain .ts file name). */
  file: string;
  /** The lab tarball's name in the zip. */
  tarball: string;
}

/** The lines that set ROOT and the paths both scripts use. */
function paths(options: ScriptOptions): string {
  return `# AUTOGRADER_ROOT is for testing only (a temporary root laid out like /autograder); Gradescope sets none.
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
LAB="$SOURCE/lab/node_modules/.bin/freenos-lab"
EXERCISE=${options.exercise}
PACK="$SOURCE/pack"`;
}

/** setup.sh: Node 20 (skipped when a node ≥ 20 is on PATH), then the lab installed offline and the pack checked. */
export function setupScript(options: ScriptOptions): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder (Ubuntu 22.04, network allowed).
# Made by freenos-lab gradescope for ${options.exercise}.
set -euo pipefail
${paths(options)}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if command -v node >/dev/null 2>&1 && [ "$(node_major)" -ge 20 ]; then
  echo "setup.sh: Node $(node --version) is already installed: skipping the Node 20 installation"
else
  # Ubuntu's own nodejs is too old: Node 20 from NodeSource's apt repository, as NodeSource documents.
  echo "setup.sh: installing Node 20 from NodeSource's apt repository"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y ca-certificates curl gnupg
  mkdir -p /etc/apt/keyrings
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
  echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_20.x nodistro main" > /etc/apt/sources.list.d/nodesource.list
  apt-get update
  apt-get install -y nodejs
  echo "setup.sh: installed Node $(node --version)"
fi

# The lab and its dependencies are all in the tarball: nothing is fetched.
echo "setup.sh: installing the lab from ${options.tarball} (offline)"
mkdir -p "$SOURCE/lab"
npm install --prefix "$SOURCE/lab" --offline --no-audit --no-fund --omit=dev "$SOURCE/${options.tarball}"
"$LAB" exercises validate "$EXERCISE" --pack "$PACK"
echo "setup.sh: ready to grade $EXERCISE"
`;
}

/** run_autograder: the lab grades the submission; a results.json that explains is written if it leaves none. */
export function runScript(options: ScriptOptions): string {
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission (no network): the lab grades the submission in
# $ROOT/submission and writes $ROOT/results/results.json. Made by freenos-lab gradescope for ${options.exercise}.
${paths(options)}
RESULTS="$ROOT/results/results.json"

mkdir -p "$ROOT/results"
rm -f "$RESULTS"
"$LAB" gradescope "$EXERCISE" --pack "$PACK" --file ${options.file} --grade-in "$ROOT"
status=$?
# The lab writes results.json whatever the submission does; if it could not start, say so.
if [ ! -s "$RESULTS" ]; then
  cat > "$RESULTS" <<EOF
{
  "score": 0,
  "output": "The autograder could not grade this submission: the lab exited with status $status before writing any results (see the autograder's output). This is not a verdict on your code: please tell your instructor.",
  "tests": []
}
EOF
fi
exit 0
`;
}
