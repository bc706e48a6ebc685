import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

// No import cycle between the top-level folders of src/ (each file directly in src/ counts as a
// folder of its own): docs/architecture.md describes the folders as layers, and a cycle would make
// two of them one. Type-only and dynamic imports count too: they tie the folders' designs together.

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** The folder (or root file) a path under src/ belongs to. */
function unitOf(path: string): string {
  const parts = path.split(sep);
  return parts.length > 1 ? `${parts[0]}/` : (parts[0] as string);
}

/** Edges between units (folders, or files with `byFile`), each with the import lines that make it. */
function importGraph(root: string, unit: (path: string) => string = unitOf): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.[cm]?ts$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const from = relative(root, file);
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const to = relative(root, normalize(join(dirname(file), match[1] as string)));
      if (to.startsWith("..")) continue;
      const [a, b] = [unit(from), unit(to.replace(/\.js$/, ".ts"))];
      if (a === b) continue;
      const edges = graph.get(a) ?? new Map<string, string[]>();
      graph.set(a, edges);
      edges.set(b, [...(edges.get(b) ?? []), `${from} imports ${match[1]}`]);
    }
  }
  return graph;
}

/** The strongly connected components of more than one unit (Tarjan): each holds a cycle. */
function cycles(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const top = stack.pop() as string;
      onStack.delete(top);
      component.push(top);
      if (top === node) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

test("the cycle finder finds a two-folder cycle, a three-folder one, and none in a chain", () => {
  const graph = (edges: string[]): Map<string, Map<string, unknown>> => {
    const g = new Map<string, Map<string, unknown>>();
    for (const edge of edges) {
      const [a, b] = edge.split(">") as [string, string];
      g.set(a, (g.get(a) ?? new Map()).set(b, true));
    }
    return g;
  };
  assert.equal(cycles(graph(["a>b", "b>a", "b>c"])), [["a", "b"]]);
  assert.equal(cycles(graph(["a>b", "b>c", "c>a", "d>a"])), [["a", "b", "c"]]);
  assert.equal(cycles(graph(["a>b", "b>c", "a>c"])), []);
});

test("no import cycle between the top-level folders of src/", () => {
  const graph = importGraph("src");
  assert.ok(graph.size >= 10, `only ${graph.size} folders import others: is the import pattern still right?`);
  const report = cycles(graph).map((component) => {
    const lines = component.flatMap((a) => component.flatMap((b) => graph.get(a)?.get(b) ?? []));
    return `${component.join(" <-> ")}:\n  ${lines.join("\n  ")}`;
  });
  assert.equal(report, [], report.join("\n"));
});

// Nor between files: two files that import each other are one concept split in two (or a type that
// belongs to the lower one), and a module cycle makes load order matter.
test("no import cycle between the files of src/", () => {
  const graph = importGraph("src", (path) => path);
  assert.ok(graph.size >= 100, `only ${graph.size} files import others: is the import pattern still right?`);
  const report = cycles(graph).map((component) => component.join(" <-> "));
  assert.equal(report, [], report.join("\n"));
});

test.run();
