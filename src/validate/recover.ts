import type { ErrorObject } from "ajv";
import { suggest, suggestValue } from "../util/suggest.js";
import { choiceFilter, enclosingMapTakes, toPath, valueAt } from "./schema-check.js";

type Path = (string | number)[];

/**
 * One value the recovery put in place of what the policy says. `assumed`: what the user most likely
 * meant (a confident "did you mean", a number written as a string, a misspelt key read as the key it
 * resembles): later rules take it at its word. `guessed`: a stand-in (the default, or nothing), so
 * findings that only arise from it are dropped; for an enum, `alternatives` are the values it could
 * have been, and a finding is kept only when it holds for each of them.
 */
export interface Recovery {
  path: Path;
  kind: "assumed" | "guessed";
  alternatives?: readonly unknown[];
  /** The value was left out: a rule of the same entry that names the key (`host`) reports its absence, not a mistake. */
  removed?: true;
}

/**
 * A key read as another: `parent.from` in the policy is `parent.to` in the recovered data, or, with `up`,
 * a key moved to the map `up` levels above (`workload` written under `certificate:` is the service's).
 */
export interface Rename {
  parent: Path;
  from: string;
  to: string;
  up?: number;
}

/** Where a renamed or moved key is in the recovered data. */
function renamedPath(rename: Rename): Path {
  return [...rename.parent.slice(0, rename.parent.length - (rename.up ?? 0)), rename.to];
}

/** What one recovery pass did to a copy of the data. */
export interface RecoveryPass {
  data: unknown;
  recoveries: Recovery[];
  renames: Rename[];
  /** Paths no local repair fits (a missing required key, a failed choice): the entry or section is dropped. */
  unrecovered: Path[];
  /** False when nothing changed (only tolerated errors left). */
  changed: boolean;
}

/**
 * Errors whose value keeps the right type: the semantic rules can still read the value (a name with
 * an upper-case letter, a port above 65535), so it stays as written and the schema finding is the report.
 */
const TOLERATED = new Set([
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "uniqueItems",
  "multipleOf",
]);

/**
 * True when an error leaves a value the rest of the pipeline can read as it is. Not so for map keys
 * (they become names of files and objects) nor under `authorities` (CA material is generated from
 * those values even while other errors are reported): there the entry is dropped, as before.
 */
export function isTolerated(error: ErrorObject): boolean {
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined || error.keyword === "propertyNames") return false;
  if (error.instancePath.startsWith("/authorities/")) return false;
  return TOLERATED.has(error.keyword);
}

/**
 * Repair a copy of the data at the smallest node each schema error names, so that the semantic rules
 * run on everything else of the entry and section (recover, rather than prune the whole entry).
 */
export function recoverData(data: unknown, errors: readonly ErrorObject[]): RecoveryPass {
  const copy = structuredClone(data);
  const pass: RecoveryPass = { data: copy, recoveries: [], renames: [], unrecovered: [], changed: false };
  const insideChoice = choiceFilter(errors);
  const acted: Path[] = [];
  const under = (path: Path): boolean => acted.some((a) => startsWith(path, a));
  // Shallow errors first: a repair of a whole value makes the errors inside it moot.
  const ordered = errors
    .filter((e) => !insideChoice(e) && !isTolerated(e))
    .map((e) => ({ error: e, path: toPath(e.instancePath, copy) }))
    .sort((a, b) => a.path.length - b.path.length);
  for (const { error, path: at } of ordered) {
    const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
    if (error.keyword === "propertyNames") continue; // reported through the error for the key itself
    const path = propertyName !== undefined ? [...at, propertyName] : at;
    const target = error.keyword === "additionalProperties" ? [...path, String(error.params["additionalProperty"])] : path;
    if (under(target)) continue;
    const done = repair(copy, error, path, pass);
    if (!done) {
      pass.unrecovered.push(path);
      acted.push(path);
      continue;
    }
    acted.push(target);
    pass.changed = true;
  }
  return pass;
}

function repair(root: unknown, error: ErrorObject, path: Path, pass: RecoveryPass): boolean {
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const value = valueAt(root, path);
  switch (error.keyword) {
    case "additionalProperties": {
      const parent = valueAt(root, path);
      if (typeof parent !== "object" || parent === null) return false;
      const record = parent as Record<string, unknown>;
      const key = String(error.params["additionalProperty"]);
      const owner = ownerAbove(root, path, key);
      if (owner) {
        // Indented one level too deep: the key is the enclosing map's (the hint says so too).
        owner[key] = record[key];
        delete record[key];
        pass.renames.push({ parent: path, from: key, to: key, up: 1 });
        pass.recoveries.push({ path: [...path.slice(0, -1), key], kind: "assumed" });
        return true;
      }
      const known = Object.keys((schema["properties"] as object | undefined) ?? {});
      const meant = suggest(key, known);
      if (meant !== undefined && !(meant in record)) {
        record[meant] = record[key];
        pass.renames.push({ parent: path, from: key, to: meant });
        pass.recoveries.push({ path: [...path, meant], kind: "assumed" });
      }
      delete record[key];
      return true;
    }
    case "enum":
    case "const": {
      const allowed = error.keyword === "enum" ? (error.params["allowedValues"] as unknown[]) : [error.params["allowedValue"]];
      const meant = typeof value === "string" ? suggestValue(value, allowed.map(String)) : undefined;
      if (meant !== undefined) {
        setAt(root, path, allowed.find((a) => String(a) === meant));
        pass.recoveries.push({ path, kind: "assumed" });
        return true;
      }
      const stand = "default" in schema ? schema["default"] : allowed[0];
      setAt(root, path, structuredClone(stand));
      pass.recoveries.push({ path, kind: "guessed", alternatives: allowed });
      return true;
    }
    case "type": {
      const types = String(error.params["type"]).split(",");
      const coerced = coerce(value, types);
      if (coerced !== undefined) {
        setAt(root, path, coerced);
        pass.recoveries.push({ path, kind: "assumed" });
        return true;
      }
      if ("default" in schema) {
        setAt(root, path, structuredClone(schema["default"]));
        pass.recoveries.push({ path, kind: "guessed" });
        return true;
      }
      // An optional value of the wrong type is left out; a required one fails the next check and its
      // entry is dropped instead.
      if (path.length === 0 || typeof path[path.length - 1] === "number") return false;
      deleteAt(root, path);
      pass.recoveries.push({ path, kind: "guessed", removed: true });
      return true;
    }
    default:
      return false;
  }
}

/** The map enclosing the one at `path`, when `key` was written one level too deep (schema-check.ts enclosingMapTakes). */
function ownerAbove(root: unknown, path: Path, key: string): Record<string, unknown> | undefined {
  return enclosingMapTakes(root, path, key) ? (valueAt(root, path.slice(0, -1)) as Record<string, unknown>) : undefined;
}

/** The value in the expected type when the intent is plain: "8443" for a port, 4.19 for a version string. */
function coerce(value: unknown, types: readonly string[]): unknown {
  for (const type of types) {
    if ((type === "integer" || type === "number") && typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) {
      const n = Number(value);
      if (type === "number" || Number.isInteger(n)) return n;
    }
    // Not a decimal: 4.20 unquoted is the number 4.2, so what was meant is unknown (the default stands in).
    if (type === "string" && (typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value)))) return String(value);
    if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
    if (type === "array" && (typeof value === "string" || typeof value === "number")) return [value];
  }
  return undefined;
}

/** True when `path` is `prefix` or lies below it. */
export function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

function setAt(root: unknown, path: Path, value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last === undefined || typeof parent !== "object" || parent === null) return;
  (parent as Record<string | number, unknown>)[last] = value;
}

function deleteAt(root: unknown, path: Path): void {
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last === undefined || typeof parent !== "object" || parent === null) return;
  delete (parent as Record<string | number, unknown>)[last];
}

/** A path in the recovered data, as it reads in the policy file (renamed keys back to their spelling). */
export function toDocumentPath(path: readonly (string | number)[], renames: readonly Rename[]): (string | number)[] {
  let out = [...path];
  // Later renames are deeper or in renamed subtrees; undo them first.
  for (const rename of [...renames].reverse()) {
    const renamed = renamedPath(rename);
    if (startsWith(out, renamed)) out = [...rename.parent, rename.from, ...out.slice(renamed.length)];
  }
  return out;
}

/** True when a path lies in a subtree that the first check did not see (it was under a misspelt key). */
export function inRenamedSubtree(path: readonly (string | number)[], renames: readonly Rename[]): boolean {
  return renames.some((r) => startsWith(path, renamedPath(r)));
}
