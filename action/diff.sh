#!/usr/bin/env bash
# The GitHub Action's diff mode (action.yml, `mode: diff`): compare the pull request's base branch
# policy with the head's and write the Markdown report to the job summary. Kept in a file so that
# test/diff-action.test.ts runs exactly what the action runs, with a fake GITHUB_STEP_SUMMARY.
#
# Environment: MESH_SECURITY (the CLI: a .js file run with node), POLICY (relative to the working
# directory), BASE_REF (the base branch: github.base_ref), FAIL_ON (weakening|any|never),
# GITHUB_STEP_SUMMARY (the file GitHub shows as the job summary), REPORT (optional: also write the
# Markdown here, e.g. for a step that posts it as a pull-request comment).
set -euo pipefail

: "${MESH_SECURITY:?MESH_SECURITY must name the mesh-security CLI}"
: "${POLICY:?POLICY must name the policy file}"
: "${BASE_REF:?BASE_REF must name the base branch (github.base_ref; diff mode runs on pull requests)}"
: "${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY is not set}"
FAIL_ON="${FAIL_ON:-never}"

# The base branch must be known locally: actions/checkout fetches only the merge commit by default.
if ! git rev-parse --verify --quiet "refs/remotes/origin/${BASE_REF}" >/dev/null; then
  git fetch --no-tags --depth=1 origin "+refs/heads/${BASE_REF}:refs/remotes/origin/${BASE_REF}"
fi

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
# ./ makes the path relative to the working directory (git show REV:./PATH), like POLICY itself.
node "$MESH_SECURITY" diff "origin/${BASE_REF}:./${POLICY#./}" "$POLICY" --format markdown --fail-on "$FAIL_ON" -o "$report" || status=$?
if [ ! -s "$report" ]; then
  # Nothing was compared (a policy error on either side, or a side that cannot be read): say so where
  # the reviewer looks; the diagnostics are in the job log.
  printf '**mesh-security diff** `origin/%s:%s` → `%s`: not compared (exit %s): see the job log for the diagnostics.\n' "$BASE_REF" "$POLICY" "$POLICY" "$status" > "$report"
fi
cat "$report" >> "$GITHUB_STEP_SUMMARY"
if [ -n "${REPORT:-}" ]; then cp "$report" "$REPORT"; fi
if [ "$status" -eq 1 ] && [ "$FAIL_ON" != "never" ] && grep -q '| \*\*' "$report"; then
  echo "::error title=mesh-security diff::this pull request makes a change of class ${FAIL_ON} on the wire (see the job summary)"
fi
exit "$status"
