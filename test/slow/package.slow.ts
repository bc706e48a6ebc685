import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse, parseAllDocuments } from "yaml";
import { codeBlocks } from "../helpers/markdown.js";

const CA_POLICY = `apiVersion: mesh-security/v1alpha1
kind: MeshSecurityPolicy
metadata: { name: ca }
authorities:
  internal:
    generate: { subject: "CN=ca root CA,O=Example" }
issuers:
  internal:
    ca: { authority: internal }
services:
  - { name: api, namespace: ca, selector: { app: api }, certificate: { issuer: internal } }
`;

interface ActionStep {
  run?: string;
  env?: Record<string, string>;
  "working-directory"?: string;
}

// A policy repository's first day, as the README tells it: pack, install the tarball into an empty
// repository, then init, validate, compile and --check through npx.
test("npm pack → npm install ./mesh-security-x.y.z.tgz in an empty repository → npx mesh-security", () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-pack-"));
  try {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    execFileSync(npm, ["pack", "--pack-destination", dir, "--ignore-scripts"], { stdio: "ignore" });
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    assert.ok(tarball, "no tarball");
    assert.match(tarball ?? "", /^mesh-security-\d+\.\d+\.\d+\.tgz$/);
    const repo = join(dir, "policy-repo");
    mkdirSync(repo);
    writeFileSync(join(repo, "package.json"), JSON.stringify({ name: "policy-repo", version: "1.0.0", private: true }));
    const install = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--save-dev", join(dir, tarball ?? "")], { cwd: repo, encoding: "utf8" });
    assert.is(install.status, 0, install.stderr);
    // npm 11 notes, on this first install only, that it skipped the package's `prepare` (it builds dist/,
    // which the tarball carries); nothing else may warn, and the repository's npm ci (the plugin's init
    // and the action's install step below) is silent.
    const warnings = install.stderr.split("\n").filter((l) => /warn/i.test(l));
    assert.not.ok(warnings.some((l) => /EBADENGINE|deprecated/i.test(l)), install.stderr);
    assert.ok(warnings.every((l) => /^npm warn install-scripts( {3}mesh-security@[\d.]+ \(prepare: npm run build\)| 1 package has install scripts|$| Run `npm install-scripts)/.test(l)), install.stderr);
    const npx = (...args: string[]) => spawnSync("npx", ["--no-install", "mesh-security", ...args], { cwd: repo, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

    const help = npx("--help");
    assert.is(help.status, 0, help.stderr);
    assert.match(help.stdout, /compile \[policy\.\.\]/);
    assert.match(npx("--version").stdout.trim(), /^\d+\.\d+\.\d+$/);

    // init: the $schema reference resolves in this layout (the installed package), nothing written beside.
    const init = npx("init");
    assert.is(init.status, 0, init.stderr);
    const policy = readFileSync(join(repo, "mesh-security.yaml"), "utf8");
    const ref = /^# yaml-language-server: \$schema=(\S+)$/m.exec(policy)?.[1] ?? "";
    assert.is(ref, "./node_modules/mesh-security/schemas/mesh-security.schema.json");
    assert.ok(existsSync(resolve(repo, ref)), "the $schema reference resolves");
    assert.is(readFileSync(resolve(repo, ref), "utf8"), npx("schema").stdout);
    assert.not.ok(existsSync(join(repo, "mesh-security.schema.json")));
    // A policy in a subdirectory points up to the same node_modules.
    mkdirSync(join(repo, "clusters"));
    assert.is(npx("init", "clusters/prod.yaml").status, 0);
    const nested = /\$schema=(\S+)/.exec(readFileSync(join(repo, "clusters", "prod.yaml"), "utf8"))?.[1] ?? "";
    assert.ok(existsSync(resolve(repo, "clusters", nested)), nested);

    const validate = npx("validate");
    assert.is(validate.status, 0, validate.stderr);
    assert.match(validate.stderr, /mesh-security\.yaml: ok/);
    const compiled = npx("compile", "-o", "manifests");
    assert.is(compiled.status, 0, compiled.stderr);
    assert.ok(existsSync(join(repo, "manifests", "kustomization.yaml")));
    const check = npx("compile", "-o", "manifests", "--check");
    assert.is(check.status, 0, check.stderr);
    assert.match(check.stderr, /manifests is up to date/);

    // The Argo CD plugin of docs/gitops.md, init then generate, as the CMP sidecar runs them.
    const pluginText = codeBlocks(["docs/gitops.md"]).filter((b) => b.lang === "yaml").map((b) => parse(b.text) as { data?: Record<string, string> } | null).find((o) => o?.data?.["plugin.yaml"])?.data?.["plugin.yaml"] ?? "";
    const plugin = parse(pluginText) as { spec: { init: { command: string[]; args: string[] }; generate: { command: string[]; args: string[] } } };
    const sidecar = (step: { command: string[]; args: string[] }, env: Record<string, string>) => {
      const [command = "", ...rest] = [...step.command, ...step.args];
      return spawnSync(command, rest, { cwd: repo, encoding: "utf8", env: { ...process.env, HOME: join(dir, "home"), ...env } });
    };
    const pluginInit = sidecar(plugin.spec.init, {});
    assert.is(pluginInit.status, 0, pluginInit.stderr);
    assert.not.match(pluginInit.stderr, /warn/i, "npm ci in the policy repository prints no warning");
    writeFileSync(join(repo, "clusters", "ca.yaml"), CA_POLICY);
    const noMaterial = sidecar(plugin.spec.generate, { ARGOCD_ENV_POLICY: "clusters/ca.yaml" });
    assert.is(noMaterial.status, 1, "the plugin never makes a CA");
    assert.match(noMaterial.stderr, /MS3006/);
    assert.not.ok(existsSync(join(repo, "clusters", ".mesh-security")));
    assert.is(npx("ca", "init", "clusters/ca.yaml").status, 0);
    const rendered = sidecar(plugin.spec.generate, { ARGOCD_ENV_POLICY: "clusters/ca.yaml" });
    assert.is(rendered.status, 0, rendered.stderr);
    const kinds = parseAllDocuments(rendered.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    assert.ok(kinds.includes("ClusterIssuer") && kinds.includes("Certificate"), kinds.join(", "));
    assert.not.match(rendered.stdout, /PRIVATE KEY|tls\.key/);
    assert.is(sidecar(plugin.spec.generate, {}).status, 0, "the default policy renders too");

    // The pre-commit hook's entry and default args, as pre-commit runs them (pass_filenames: false).
    const hook = (parse(readFileSync(".pre-commit-hooks.yaml", "utf8")) as Array<{ id: string; entry: string; args: string[]; pass_filenames: boolean }>)[0];
    assert.is(hook?.id, "mesh-security-check");
    assert.is(hook?.pass_filenames, false);
    const [bin, ...entryArgs] = (hook?.entry ?? "").split(" ");
    assert.is(bin, "mesh-security");
    assert.is(npx(...entryArgs, ...(hook?.args ?? [])).status, 0, "the hook passes on fresh output");

    // The composite action's steps, run as the runner would (inputs and outputs substituted).
    const outputFile = join(dir, "github-output");
    writeFileSync(outputFile, "");
    const action = parse(readFileSync("action.yml", "utf8")) as { runs: { using: string; steps: ActionStep[] } };
    assert.is(action.runs.using, "composite");
    const context: Record<string, string> = { "inputs.policy": "mesh-security.yaml", "inputs.output": "manifests", "inputs.working-directory": ".", "github.action_path": process.cwd() };
    const runStep = (step: ActionStep) => {
      const expand = (text: string): string => text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_m, key: string) => context[key] ?? assert.unreachable(`unknown expression ${key}`) ?? "");
      const env: Record<string, string> = { ...process.env, GITHUB_OUTPUT: outputFile };
      for (const [key, value] of Object.entries(step.env ?? {})) env[key] = expand(value);
      return spawnSync("bash", ["-e", "-c", step.run ?? ""], { cwd: join(repo, expand(step["working-directory"] ?? ".")), env, encoding: "utf8" });
    };
    const [, installStep, checkStep] = action.runs.steps;
    assert.ok(installStep && checkStep);
    const installed = runStep(installStep);
    assert.is(installed.status, 0, installed.stderr);
    assert.not.match(installed.stderr, /warn/i, "npm ci in the policy repository prints no warning");
    const bin2 = /^bin=(.+)$/m.exec(readFileSync(outputFile, "utf8"))?.[1] ?? "";
    assert.ok(bin2.startsWith(join(repo, "node_modules")), `the repository's own mesh-security is used: ${bin2}`);
    context["steps.install.outputs.bin"] = bin2;
    const fresh = runStep(checkStep);
    assert.is(fresh.status, 0, fresh.stderr);

    writeFileSync(join(repo, "manifests", "kustomization.yaml"), "# edited\n");
    assert.is(npx("compile", "-o", "manifests", "--check").status, 3, "a stale directory fails --check");
    assert.is(runStep(checkStep).status, 3, "the action fails on stale output");
    assert.is(npx(...entryArgs, ...(hook?.args ?? [])).status, 3, "the hook fails on stale output");
    // Policy errors become annotations on the policy line.
    writeFileSync(join(repo, "mesh-security.yaml"), policy.replace("profile: intermediate", "profile: intermediat"));
    const annotated = runStep(checkStep);
    assert.is(annotated.status, 1);
    assert.match(annotated.stdout, /^::error file=mesh-security\.yaml,line=\d+,col=\d+.*MS1005/m);

    assert.not.ok(existsSync(join(repo, "node_modules", "mesh-security", "src")), "sources are not shipped");
    assert.ok(existsSync(join(dirname(resolve(repo, ref)), "..", "templates", "service-ca", "service.yaml.hbs")), "templates are shipped");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
