// A fleet in CI: 10 clusters extending one 200-service base, checked with one
// `compile c*/mesh-security.yaml --out-dir-name manifests --check` against ten `compile cN -o ... --check`
// processes, one after the other (what a CI loop over the clusters does). Called by bench/run.ts;
// `npx tsx bench/fleet.ts [runs]` runs it alone (after `npm run build`).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { generateRealisticPolicy } from "./generate-realistic.js";

export const FLEET_CLUSTERS = 10;
export const FLEET_SERVICES = 200;

/** What a cluster changes: its name, a host, how strict mTLS is, and a service of its own. */
function overlay(n: number): string {
  return [
    "apiVersion: mesh-security/v1alpha1",
    "kind: MeshSecurityPolicy",
    `metadata: { name: cluster-${n} }`,
    "extends: ../base/mesh-security.base.yaml",
    `mtls: { mode: ${n % 2 === 0 ? "STRICT" : "PERMISSIVE"} }`,
    "services:",
    `  - { name: app-1, namespace: team-1, host: app-1.apps.c${n}.example.com }`,
    `  - { name: only-c${n}, namespace: team-0, port: 8443, selector: { app: only-c${n} } }`,
    "",
  ].join("\n");
}

/** The fleet's medians (ms): one process for all clusters, and ten processes. */
export function benchFleet(cli: string, runs: number): { one: number; ten: number; files: number } {
  const dir = mkdtempSync(join(tmpdir(), "ms-bench-fleet-"));
  try {
    mkdirSync(join(dir, "base"));
    writeFileSync(join(dir, "base", "mesh-security.base.yaml"), generateRealisticPolicy(FLEET_SERVICES));
    const policies: string[] = [];
    for (let n = 0; n < FLEET_CLUSTERS; n++) {
      mkdirSync(join(dir, `c${n}`));
      writeFileSync(join(dir, `c${n}`, "mesh-security.yaml"), overlay(n));
      policies.push(`c${n}/mesh-security.yaml`);
    }
    const spawn = (args: string[]): number => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 });
      const ms = performance.now() - t0;
      // --check exits 0 here: the warm-up wrote every output (and each cluster's CA next to its policy).
      if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${(r.stderr + r.stdout).slice(0, 3000)}`);
      return ms;
    };
    spawn(["compile", ...policies, "--out-dir-name", "manifests", "--format", "github"]);
    const one = (): number => spawn(["compile", ...policies, "--out-dir-name", "manifests", "--check", "--format", "github"]);
    const ten = (): number => policies.reduce((sum, p) => sum + spawn(["compile", p, "-o", join(p, "..", "manifests"), "--check", "--format", "github"]), 0);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so load from other processes hits both alike.
      if (i % 2 === 0) (a.push(one()), b.push(ten()));
      else (b.push(ten()), a.push(one()));
    }
    const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;
    const files = spawnSync("find", [join(dir, "c0", "manifests"), "-type", "f"], { encoding: "utf8" }).stdout.trim().split("\n").length;
    return { one: median(a), ten: median(b), files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench/results.md lines. */
export function fleetRows(r: { one: number; ten: number; files: number }): string[] {
  return [
    `A fleet: ${FLEET_CLUSTERS} clusters extending one ${FLEET_SERVICES}-service base (realistic policy; each overlay sets a name, mTLS mode, a host and one service of its own; about ${r.files} files per cluster), \`--check\` of every output, \`--format github\`:`,
    "",
    "| run | wall (median ms) |",
    "| --- | ---: |",
    `| one process: \`compile c*/mesh-security.yaml --out-dir-name manifests --check\` | ${r.one.toFixed(0)} |`,
    `| ten processes: \`compile cN/mesh-security.yaml -o cN/manifests --check\`, one after the other | ${r.ten.toFixed(0)} |`,
    `| **ratio one / ten** | **${(r.one / r.ten).toFixed(2)}** |`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Math.max(1, Number(process.argv[2] ?? 3));
  const result = benchFleet(join(process.cwd(), "bin", "mesh-security.js"), runs);
  process.stdout.write(`${fleetRows(result).join("\n")}\n`);
}
