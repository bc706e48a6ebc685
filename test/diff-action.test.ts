import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { DIFF_BASE } from "./helpers/diff.js";

// The Action's diff mode runs action/diff.sh; this runs the same script as the runner would, against a
// pull-request clone whose `origin` has the base branch, with a fake GITHUB_STEP_SUMMARY.
const SCRIPT = join(process.cwd(), "action", "diff.sh");
const BIN = join(process.cwd(), "bin", "mesh-security.js");
const GIT_ENV = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };
const sh = (cwd: string, cmd: string, args: string[], env: Record<string, string> = {}) => spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...GIT_ENV, ...env } });

function pullRequest(head: string): string {
  const root = mkdtempSync(join(tmpdir(), "ms-action-"));
  const origin = join(root, "origin");
  sh(root, "git", ["init", "-q", "-b", "main", origin]);
  writeFileSync(join(origin, "mesh-security.yaml"), DIFF_BASE);
  sh(origin, "git", ["add", "-A"]);
  sh(origin, "git", ["commit", "-q", "-m", "base"]);
  // A shallow clone of the pull request, as actions/checkout makes it: the base branch is not fetched.
  const clone = join(root, "clone");
  sh(root, "git", ["clone", "-q", "--depth=1", "--single-branch", "--branch", "main", `file://${origin}`, clone]);
  sh(clone, "git", ["update-ref", "-d", "refs/remotes/origin/main"]);
  writeFileSync(join(clone, "mesh-security.yaml"), head);
  return clone;
}

function runAction(clone: string, failOn: string) {
  const summary = join(clone, "..", "summary.md");
  writeFileSync(summary, "previous step\n");
  const r = sh(clone, "bash", [SCRIPT], { MESH_SECURITY: BIN, POLICY: "mesh-security.yaml", BASE_REF: "main", FAIL_ON: failOn, GITHUB_STEP_SUMMARY: summary, REPORT: join(clone, "..", "comment.md") });
  return { ...r, summary: readFileSync(summary, "utf8") };
}

test("diff mode: the base branch's policy against the head's, Markdown appended to the job summary", () => {
  const clone = pullRequest(DIFF_BASE.replace("minVersion: TLSv1_2", "minVersion: TLSv1_1"));
  const r = runAction(clone, "never");
  assert.is(r.status, 0, r.stderr);
  assert.ok(r.summary.startsWith("previous step\n**mesh-security diff** `origin/main:./mesh-security.yaml` → `mesh-security.yaml`"), r.summary);
  assert.match(r.summary, /\| \*\*weakening\*\* \| mesh \| minVersion \| TLSv1_2 → TLSv1_1 \|/);
  assert.is(readFileSync(join(clone, "..", "comment.md"), "utf8"), r.summary.slice("previous step\n".length), "the same Markdown for a PR comment");
  const gated = runAction(clone, "weakening");
  assert.is(gated.status, 1);
  assert.match(gated.stdout, /^::error title=mesh-security diff::/m);
});

test("diff mode: an unchanged policy passes the gate", () => {
  const r = runAction(pullRequest(DIFF_BASE), "any");
  assert.is(r.status, 0, r.stderr);
  assert.match(r.summary, /no change on the wire, no object changed/);
});

test("diff mode: a policy error on the head is reported in the summary and fails the step", () => {
  const r = runAction(pullRequest(DIFF_BASE.replace("mode: PERMISSIVE", "mode: PERMISIVE")), "never");
  assert.is(r.status, 1);
  assert.match(r.stderr, /mesh-security\.yaml:\d+:\d+ error MS1005/);
  assert.match(r.summary, /not compared \(exit 1\): see the job log/);
});

test("action.yml wires the diff mode to action/diff.sh with the base branch", () => {
  const action = parse(readFileSync("action.yml", "utf8")) as { inputs: Record<string, { default?: string }>; runs: { steps: Array<{ if?: string; run?: string; env?: Record<string, string> }> } };
  assert.is(action.inputs["mode"]?.default, "check");
  assert.is(action.inputs["fail-on"]?.default, "never");
  const step = action.runs.steps.find((s) => s.if === "inputs.mode == 'diff'");
  assert.match(step?.run ?? "", /action\/diff\.sh/);
  assert.is(step?.env?.["BASE_REF"], "${{ github.base_ref }}");
  assert.ok(action.runs.steps.some((s) => s.if === "inputs.mode != 'diff'" && /--check/.test(s.run ?? "")), "check mode unchanged");
});

test.run();
