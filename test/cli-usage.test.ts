import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { runMain } from "./helpers/cli.js";
import type { CliRun } from "./helpers/cli.js";

// The command line a new user meets: suggestions, help layout, the ca commands' arguments.
// In this process (test/helpers/cli.ts): the exit code 2 of the real process is checked in test/cli.test.ts.
const run = (args: string[], env: Record<string, string> = {}, cwd = process.cwd()): Promise<CliRun> => runMain(args, { cwd, env });

test("an unknown command suggests the closest one, or lists them", async () => {
  for (const [typed, want] of [["compil", "compile"], ["valdiate", "validate"], ["expalin", "explain"], ["scheam", "schema"]] as const) {
    const r = await run([typed]);
    assert.is(r.status, 2, typed);
    assert.match(r.stderr, `error: unknown command "${typed}"; did you mean ${want}?`);
  }
  const help = await run(["help", "compile"]);
  assert.is(help.status, 0, "help <command> is <command> --help");
  assert.is(help.stdout, (await run(["compile", "--help"])).stdout);
  const far = await run(["frobnicate"]);
  assert.is(far.status, 2);
  // No close command: every command is listed (whatever commands exist, these do).
  const listed = /commands: (.+)/.exec(far.stderr)?.[1]?.split(", ") ?? [];
  for (const name of ["validate", "compile", "explain", "ca", "schema", "init"]) assert.ok(listed.includes(name), `${name} in ${listed.join(", ")}`);
});

// Each help page at several widths: the words are the same at every width (a word cut in two at one
// width would show up as two other words), and no line is wider than asked.
const PAGES = [["--help"], ["compile", "--help"], ["ca", "--help"], ["ca", "rotate", "--help"]];
const words = (text: string): string[] => text.replace(/(\S)\[/g, "$1 [").split(/\s+/).filter(Boolean).sort();
test("help wraps to the terminal width without breaking words", async () => {
  for (const page of PAGES) {
    const wide = await run(page, { COLUMNS: "100" });
    assert.is(wide.status, 0, page.join(" "));
    for (const width of [60, 73]) {
      const narrow = await run(page, { COLUMNS: String(width) });
      const lines = narrow.stdout.split("\n");
      assert.ok(lines.every((l) => l.length <= width), `${page.join(" ")} at ${width}: a line is wider`);
      assert.equal(words(narrow.stdout), words(wide.stdout), `${page.join(" ")} at ${width}`);
    }
  }
  const compile = (await run(["compile", "--help"], { COLUMNS: "60" })).stdout;
  assert.match(compile, /<state-dir>\/private\/secrets\)/);
  // Narrower than 60 columns the layout stays at 60: cutting words is worse than a soft-wrapped line.
  assert.ok((await run(["compile", "--help"], { COLUMNS: "30" })).stdout.split("\n").some((l) => l.length > 30));
});

const POLICY = `apiVersion: mesh-security/v1alpha1
kind: MeshSecurityPolicy
metadata: { name: t }
authorities:
  internal:
    generate: { subject: "CN=t root CA,O=Example" }
issuers:
  internal:
    ca: { authority: internal }
services:
  - { name: api, namespace: t, selector: { app: api }, certificate: { issuer: internal } }
`;

test("ca init, ca show and ca rotate take the policy as an argument; -p stays an alias", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-ca-args-"));
  try {
    const policy = join(dir, "policy.yaml");
    writeFileSync(policy, POLICY);
    const init = await run(["ca", "init", policy]);
    assert.is(init.status, 0, init.stderr);
    assert.ok(existsSync(join(dir, ".mesh-security", "authorities", "internal")), "material next to the policy given as an argument");
    const show = await run(["ca", "show", policy]);
    assert.is(show.status, 0, show.stderr);
    assert.match(show.stdout, /^authority internal \(generate\)\n  generated from: [^\n]*\n  CA CN=t root CA/);
    assert.equal((await run(["ca", "show", "-p", policy])).stdout, show.stdout);
    assert.equal((await run(["ca", "show", "--policy", policy])).stdout, show.stdout);
    // In the policy's directory, [policy] defaults to ./mesh-security.yaml.
    writeFileSync(join(dir, "mesh-security.yaml"), POLICY);
    assert.equal((await run(["ca", "show"], {}, dir)).stdout, show.stdout);
    const both = await run(["ca", "show", policy, "-p", join(dir, "other.yaml")]);
    assert.is(both.status, 2);
    assert.match(both.stderr, /give the policy once/);
    const rotate = await run(["ca", "rotate", "internal", policy]);
    assert.is(rotate.status, 0, rotate.stderr);
    assert.is((parse(readFileSync(policy, "utf8")) as { rotation: { phase: string } }).rotation.phase, "trust-both");
    const noAuthority = await run(["ca", "rotate"]);
    assert.is(noAuthority.status, 2, "rotate needs the authority");
    assert.match(noAuthority.stderr, /run mesh-security ca rotate --help for usage/);
    assert.is((await run(["ca"])).status, 2, "ca needs a subcommand");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
