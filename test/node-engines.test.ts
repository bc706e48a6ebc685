import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";

// `npm ci` on Node 20 must print no warning: no EBADENGINE (every locked package admits Node 20) and
// no "install scripts not yet covered by allowScripts" (each package with an install script is decided).
interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
  optional?: boolean;
}
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { packages: Record<string, LockEntry> };
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string }; allowScripts?: Record<string, boolean> };

type Version = [number, number, number];
/** Parse `20`, `20.1`, `8.*`, `v20.19.2` into a version with wildcards as -1. */
function parseVersion(text: string): Version {
  const parts = text.replace(/^v/, "").split(".");
  const at = (i: number): number => (parts[i] === undefined || parts[i] === "*" || parts[i] === "x" ? -1 : Number.parseInt(parts[i] ?? "", 10));
  return [at(0), at(1), at(2)];
}
function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return Math.max(a[i] ?? 0, 0) - Math.max(b[i] ?? 0, 0);
  return 0;
}
/** A small semver range check, enough for the `engines.node` forms npm packages use (>=, >, <, <=, ^, ~, x-ranges, ||). */
function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  return range.split("||").some((set) => {
    const comparators = set.trim().replace(/(>=|<=|>|<|\^|~|=)\s+/g, "$1").split(/\s+/).filter(Boolean);
    return comparators.every((c) => {
      const [, op = "", rest = ""] = /^(>=|<=|>|<|\^|~|=)?(.*)$/.exec(c) ?? [];
      const r = parseVersion(rest);
      const cmp = compare(v, r);
      switch (op) {
        case ">=": return cmp >= 0;
        case ">": return cmp > 0;
        case "<=": return cmp <= 0;
        case "<": return cmp < 0;
        case "^": return cmp >= 0 && v[0] === r[0];
        case "~": return cmp >= 0 && v[0] === r[0] && (r[1] < 0 || v[1] === r[1]);
        default: return r.every((part, i) => part < 0 || part === v[i]);
      }
    });
  });
}

test("the range check reads the forms in the lockfile", () => {
  const cases: Array<[string, string, boolean]> = [
    ["20.0.0", ">=20", true], ["20.0.0", ">=22", false], ["20.0.0", ">= 14.6", true], ["20.0.0", "6.* || 8.* || >= 10.*", true],
    ["20.0.0", "^8.16.0 || ^10.6.0 || >=11.0.0", true], ["20.0.0", "^18.0.0", false], ["20.0.0", "<20", false], ["20.5.1", "~20.5.0", true],
  ];
  for (const [version, range, want] of cases) assert.is(satisfies(version, range), want, `${version} ${range}`);
});

test("every locked package admits the lowest Node the package supports and the one running the tests", () => {
  const lowest = pkg.engines.node.replace(/^>=\s*/, "");
  assert.match(lowest, /^\d+(\.\d+)*$/, "engines.node is a plain >= range");
  const refused: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (!node || path === "") continue;
    for (const version of [lowest, process.versions.node]) if (!satisfies(version, node)) refused.push(`${path} wants node ${node} (not ${version})`);
  }
  assert.equal(refused, []);
});

test("every package with an install script has an allowScripts decision", () => {
  const undecided = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== "" && entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length))
    .filter((name) => !Object.keys(pkg.allowScripts ?? {}).some((key) => key === name || key.startsWith(`${name}@`)));
  assert.equal(undecided, []);
});

test.run();
