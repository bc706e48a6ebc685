import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

// The packed tarball installs into an empty directory and its CLI works from there.
test("npm pack → npm install in an empty directory → npx mesh-security", () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-pack-"));
  try {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    execFileSync(npm, ["pack", "--pack-destination", dir, "--ignore-scripts"], { stdio: "ignore" });
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    assert.ok(tarball, "no tarball");
    const app = join(dir, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
    execFileSync(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--omit=dev", join(dir, tarball ?? "")], { cwd: app, stdio: "ignore" });
    const npx = (args: string[]) => spawnSync("npx", ["--no-install", "mesh-security", ...args], { cwd: app, encoding: "utf8" });
    const help = npx(["--help"]);
    assert.is(help.status, 0, help.stderr);
    assert.match(help.stdout, /compile \[policy\]/);
    assert.match(npx(["--version"]).stdout.trim(), /^\d+\.\d+\.\d+$/);
    assert.match(npx(["schema"]).stdout, /"mesh-security\/v1alpha1"/);
    assert.is(npx(["init"]).status, 0);
    const compiled = npx(["compile", "-o", "manifests"]);
    assert.is(compiled.status, 0, compiled.stderr);
    assert.ok(existsSync(join(app, "manifests", "kustomization.yaml")));
    assert.ok(existsSync(join(app, "node_modules", "mesh-security", "schemas", "mesh-security.schema.json")));
    assert.not.ok(existsSync(join(app, "node_modules", "mesh-security", "src")), "sources are not shipped");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
