import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";

/** A small deterministic PRNG (mulberry32): the same seed gives the same mutations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The policies of every example, as text. */
export function seedPolicies(): string[] {
  return readdirSync("examples")
    .map((name) => join("examples", name, "mesh-security.yaml"))
    .filter((file) => existsSync(file))
    .sort()
    .map((file) => readFileSync(file, "utf8"));
}

const WEIRD_STRINGS = [
  "",
  "x".repeat(100_000),
  "ünïcödé-ñame",
  "名前",
  "a\nb: c",
  "---",
  "../../etc/passwd",
  "/abs/path",
  "*",
  "null",
  "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----",
  "\u0000\u0007",
  "${HOME}",
  "{{y name}}",
];

/** Apply one random structural mutation to a policy (as data or as text). */
export function mutate(text: string, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const kind = Math.floor(random() * 10);
  if (kind === 0) {
    // text-level: YAML features the data model refuses
    const inserts = ["\nx: !!binary AAAA\n", "\nanchor: &a { b: *a }\n", "\n? [complex]\n: key\n", "\n---\nsecond: doc\n", "\t\n", "\n" + "[".repeat(100) + "\n"];
    const at = Math.floor(random() * (text.length + 1));
    return text.slice(0, at) + pick(inserts) + text.slice(at);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return text;
  }
  const nodes: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const seen = new Set<unknown>();
  const walk = (value: unknown): void => {
    if (seen.has(value)) return; // recursive aliases parse to cycles
    if (value && typeof value === "object") seen.add(value);
    if (Array.isArray(value)) value.forEach((v, i) => (nodes.push({ parent: value, key: i }), walk(v)));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) nodes.push({ parent: value as Record<string, unknown>, key: k }), walk(v);
  };
  walk(data);
  if (nodes.length === 0) return text;
  const node = pick(nodes);
  const parent = node.parent as Record<string | number, unknown>;
  switch (kind) {
    case 1:
      if (Array.isArray(node.parent)) node.parent.splice(node.key as number, 1);
      else delete parent[node.key];
      break;
    case 2:
      parent[node.key] = pick([42, -1, 1.5, true, null, [], {}, "text"]);
      break;
    case 3:
      parent[node.key] = pick(WEIRD_STRINGS);
      break;
    case 4: {
      let deep: unknown = "leaf";
      for (let i = 0; i < 20 + Math.floor(random() * 80); i++) deep = random() < 0.5 ? [deep] : { k: deep };
      parent[node.key] = deep;
      break;
    }
    case 5:
      if (!Array.isArray(node.parent)) parent[pick(WEIRD_STRINGS.slice(2, 8))] = parent[node.key];
      break;
    case 6:
      if (Array.isArray(node.parent)) node.parent.push(structuredClone(node.parent[node.key as number]));
      break;
    default:
      try {
        parent[node.key] = structuredClone(pick(nodes).parent);
      } catch {
        // uncloneable: leave as is
      }
  }
  try {
    return stringify(data, { lineWidth: 0 });
  } catch {
    return text;
  }
}
