import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import { formatPath } from "../util/path.js";
import { suggest, suggestValue } from "../util/suggest.js";
import { describePatterns } from "./pattern-words.js";

/** The policy JSON Schema shipped with the package. */
export const SCHEMA_FILE = fileURLToPath(new URL("../../schemas/mesh-security.schema.json", import.meta.url));

// Each made once per process on first use, never at module load, and only when needed: a valid
// policy validated by the build's validator needs neither the schema text nor the ajv compiler.
let cachedSchema: Record<string, unknown> | undefined;
let cachedValidate: ValidateFunction | undefined;
let cachedPatterns: Map<string, string> | undefined;

function schemaData(): Record<string, unknown> {
  cachedSchema ??= JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;
  return cachedSchema;
}

/**
 * The schema's validator: the one precompiled by the build (dist/validate/policy-validator.cjs,
 * scripts/build-validator.mjs) when running from dist, else compiled here with the same options.
 */
function validator(): ValidateFunction {
  cachedValidate ??= precompiled() ?? compileSchema(schemaData());
  return cachedValidate;
}

/** Every pattern of the schema in words (see PATTERN_WORDS). */
export function patternNames(): Map<string, string> {
  cachedPatterns ??= describePatterns(schemaData());
  return cachedPatterns;
}

function precompiled(): ValidateFunction | undefined {
  try {
    const module = createRequire(import.meta.url)("./policy-validator.cjs") as { default?: ValidateFunction } & ValidateFunction;
    return module.default ?? module;
  } catch {
    return undefined;
  }
}

function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  // The compiler (ajv and ajv-formats, some 60 modules) loads only here, when the build's validator is
  // absent (tests running from src): a cold start from dist never pays for it. Both are CommonJS.
  const require = createRequire(import.meta.url);
  const Ajv = (require("ajv") as typeof import("ajv")).default;
  const addFormats = (require("ajv-formats") as typeof import("ajv-formats")).default;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, useDefaults: true, allowUnionTypes: true, verbose: true });
  addFormats(ajv, ["email", "uri", "hostname"]);
  return ajv.compile(schema);
}

/** The schema as data (for `mesh-security schema`). */
export function policySchema(): Record<string, unknown> {
  return schemaData();
}

/** What checkSchema found: the defaulted copy, findings for users, and ajv's errors for recovery. */
export interface SchemaCheck {
  value: unknown;
  valid: boolean;
  findings: Finding[];
  errors: readonly ErrorObject[];
}

/** Validate against the schema, filling in defaults; returns findings and the defaulted copy. */
export function checkSchema(data: unknown): SchemaCheck {
  const validate = validator();
  const copy = structuredClone(data);
  const valid = validate(copy) as boolean;
  if (valid) return { value: copy, valid, findings: [], errors: [] };
  const errors = [...(validate.errors ?? [])];
  return { value: copy, valid, findings: translateErrors(errors, copy, patternNames()), errors };
}

/** Turn ajv errors into findings: one per problem, pointing at the key or value concerned. */
export function translateErrors(errors: readonly ErrorObject[], data: unknown, patterns: ReadonlyMap<string, string>): Finding[] {
  const insideChoice = choiceFilter(errors);
  const findings: Finding[] = [];
  for (const error of errors) {
    if (insideChoice(error)) continue;
    const finding = translate(error, errors, data, patterns);
    if (finding) findings.push(finding);
  }
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}|${f.path.join("/")}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Errors inside a failed oneOf/anyOf branch: they are replaced by one finding for the whole choice. */
export function choiceFilter(errors: readonly ErrorObject[]): (e: ErrorObject) => boolean {
  const choices = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
  return (e) => choices.some((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`) && e.instancePath.startsWith(c.instancePath));
}

function translate(error: ErrorObject, all: readonly ErrorObject[], data: unknown, patterns: ReadonlyMap<string, string>): Finding | undefined {
  const path = toPath(error.instancePath, data);
  const where = formatPath(path);
  const value = valueAt(data, path);
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    // A map key that is not a valid name (propertyNames): point at the key.
    const keyPath = [...path, propertyName];
    const rule = error.keyword === "pattern" ? patterns.get(String(error.params["pattern"])) : undefined;
    const said = error.keyword === "not" ? say.MS1005(where, { reserved: propertyName }) : say.MS1006(where, { key: propertyName, rule });
    return { ...said, path: keyPath, at: "key" };
  }
  switch (error.keyword) {
    case "propertyNames":
      return undefined; // reported through the inner error above
    case "additionalProperties": {
      const key = String(error.params["additionalProperty"]);
      const known = Object.keys(((error.parentSchema as Record<string, unknown> | undefined)?.["properties"] as object | undefined) ?? {});
      const above = enclosingOwner(data, path, key);
      const hint = above !== undefined ? undefined : suggest(key, known);
      const home = hint || above !== undefined ? undefined : mapThatOwns(key, error.parentSchema as Record<string, unknown> | undefined, value);
      const fix = above !== undefined ? { above, parent: String(path[path.length - 1]) } : hint ? { suggestion: hint } : home ? { owner: home } : { known };
      return { ...say.MS1002(key, where, fix), path: [...path, key], at: "key" };
    }
    case "required": {
      const missing = String(error.params["missingProperty"]);
      return { ...say.MS1003(missing, where), path, at: "key" };
    }
    case "type":
      return { ...say.MS1004(where, { types: String(error.params["type"]).split(","), value, key: path[path.length - 1] }), path };
    case "enum":
    case "const": {
      const allowed = (error.keyword === "enum" ? (error.params["allowedValues"] as unknown[]) : [error.params["allowedValue"]]).map(String);
      const suggestion = typeof value === "string" ? suggestValue(value, allowed) : undefined;
      return { ...(isFormatKey(path) ? say.MS1013(where, value, allowed, suggestion) : say.MS1005(where, { value, allowed, suggestion })), path };
    }
    case "pattern": {
      const rule = patterns.get(String(error.params["pattern"]));
      return { ...say.MS1006(where, rule !== undefined ? { value, rule } : { value, pattern: String(error.params["pattern"]) }), path };
    }
    case "format":
      return { ...say.MS1006(where, { value, rule: String(error.params["format"]) }), path };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
    case "minProperties":
    case "maxProperties":
    case "uniqueItems":
    case "multipleOf":
      return { ...say.MS1007(where, error.message), path };
    case "oneOf":
    case "anyOf":
      return translateChoice(error, all, path, where, value, patterns);
    case "not":
      return { ...say.MS1008(where, "not allowed"), path };
    default:
      return { ...say.MS1004(where, { ajv: error.message }), path };
  }
}

/** `apiVersion` and `kind` at the top: another value is another format (MS1013), not a wrong value. */
function isFormatKey(path: readonly (string | number)[]): boolean {
  return path.length === 1 && (path[0] === "apiVersion" || path[0] === "kind");
}

/**
 * `workload:` written under `certificate:`: the enclosing map takes the key and does not have it yet
 * (recover.ts moves it there). Its formatted path (`services[0]`, "" for the top level), or undefined.
 */
function enclosingOwner(data: unknown, path: readonly (string | number)[], key: string): string | undefined {
  if (!enclosingMapTakes(data, path, key)) return undefined;
  return formatPath(path.slice(0, -1));
}

/**
 * True when the map enclosing the one at `path` takes `key` and does not have it yet: a key written one
 * level too deep. Only a map that is the value of a key (not a list item) has an enclosing map.
 */
export function enclosingMapTakes(data: unknown, path: readonly (string | number)[], key: string): boolean {
  if (path.length === 0 || typeof path[path.length - 1] !== "string") return false;
  const above = path.slice(0, -1);
  const value = valueAt(data, above);
  if (typeof value !== "object" || value === null || Array.isArray(value) || key in value) return false;
  return knownKeysAt(above)?.has(key) ?? false;
}

/**
 * A key dedented out of its map: the sibling map (written before it) whose schema has that key,
 * e.g. `issuer` written level with `certificate:` instead of under it.
 */
function mapThatOwns(key: string, parentSchema: Record<string, unknown> | undefined, value: unknown): string | undefined {
  const properties = (parentSchema?.["properties"] ?? {}) as Record<string, Record<string, unknown>>;
  const written = typeof value === "object" && value !== null ? Object.keys(value) : [];
  const before = written.slice(0, Math.max(0, written.indexOf(key)));
  const owners = before.filter((name) => {
    const child = resolveRef(properties[name]);
    return typeof child?.["properties"] === "object" && key in (child["properties"] as object);
  });
  return owners[owners.length - 1];
}

function resolveRef(node: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const ref = node?.["$ref"];
  if (typeof ref !== "string" || !ref.startsWith("#/definitions/")) return node;
  const definitions = (schemaData()["definitions"] ?? {}) as Record<string, Record<string, unknown>>;
  return definitions[ref.slice("#/definitions/".length)];
}

/** One finding for a failed choice: "set exactly one of ..." or the union of what each branch wanted. */
function translateChoice(
  error: ErrorObject,
  all: readonly ErrorObject[],
  path: (string | number)[],
  where: string,
  value: unknown,
  patterns: ReadonlyMap<string, string>,
): Finding {
  const branches = ((error.schema as unknown[] | undefined) ?? []) as Array<Record<string, unknown>>;
  const requiredOnly = branches.length > 0 && branches.every((b) => Array.isArray(b["required"]) && Object.keys(b).every((k) => k === "required" || k === "description"));
  if (requiredOnly) {
    const names = branches.map((b) => (b["required"] as string[]).join(" + "));
    const present = typeof value === "object" && value !== null ? names.filter((n) => n.split(" + ").every((k) => k in value)) : [];
    return { ...say.MS1008(where, { names, present, exactly: error.keyword === "oneOf" }), path };
  }
  // Value alternatives (e.g. an enum or an https URL): describe each branch.
  const wanted: string[] = [];
  for (const branch of branches) {
    if (Array.isArray(branch["enum"])) wanted.push(...(branch["enum"] as unknown[]).map(String));
    else if (typeof branch["pattern"] === "string") wanted.push(patterns.get(branch["pattern"]) ?? `a value matching ${branch["pattern"]}`);
    else if (typeof branch["const"] !== "undefined") wanted.push(String(branch["const"]));
  }
  const inner = all.filter((e) => e !== error && e.schemaPath.startsWith(`${error.schemaPath}/`) && e.instancePath === error.instancePath);
  const enumValues = inner.flatMap((e) => (e.keyword === "enum" ? (e.params["allowedValues"] as unknown[]).map(String) : []));
  const suggestion = typeof value === "string" ? suggestValue(value, enumValues) : undefined;
  if (wanted.length === 0) return { ...say.MS1008(where, "no form", suggestion), path };
  return { ...(isFormatKey(path) ? say.MS1013(where, value, wanted, suggestion) : say.MS1005(where, { value, allowed: wanted, suggestion })), path };
}

/** JSON pointer → path, with numbers where the data holds an array. */
export function toPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === "") return [];
  const path: (string | number)[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      current = current[Number(segment)];
    } else {
      path.push(segment);
      current = typeof current === "object" && current !== null ? (current as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

/** The keys the schema allows in the map at a data path (every branch of a choice), or undefined. */
export function knownKeysAt(path: readonly (string | number)[]): Set<string> | undefined {
  let nodes: Record<string, unknown>[] = [schemaData()];
  const expand = (list: Record<string, unknown>[]): Record<string, unknown>[] =>
    list.flatMap((n) => {
      const node = resolveRef(n) ?? {};
      const branches = ["oneOf", "anyOf", "allOf"].flatMap((k) => (Array.isArray(node[k]) ? (node[k] as Record<string, unknown>[]) : []));
      return [node, ...expand(branches)];
    });
  for (const segment of path) {
    nodes = expand(nodes).flatMap((n) => {
      if (typeof segment === "number") return n["items"] ? [n["items"] as Record<string, unknown>] : [];
      const property = (n["properties"] as Record<string, Record<string, unknown>> | undefined)?.[segment];
      if (property) return [property];
      const extra = n["additionalProperties"];
      return typeof extra === "object" && extra !== null ? [extra as Record<string, unknown>] : [];
    });
    if (nodes.length === 0) return undefined;
  }
  const keys = new Set<string>();
  for (const n of expand(nodes)) for (const key of Object.keys((n["properties"] as object | undefined) ?? {})) keys.add(key);
  return keys;
}

/** The value at a path, or undefined. */
export function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let current = data;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
