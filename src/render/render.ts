import { randomBytes } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import HandlebarsRuntime from "handlebars/runtime.js";
import { parseDocument } from "yaml";
import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { PlannedObject } from "../plan/planned-object.js";
import { suggest } from "../util/suggest.js";
import { checkTemplate, TEMPLATE_OPTIONS } from "./template-check.js";

/** The templates shipped with the package (src/render → ../../templates, dist/render likewise). */
export const BUILTIN_TEMPLATES = fileURLToPath(new URL("../../templates/", import.meta.url));

type Template = (values: Record<string, unknown>) => string;
type Environment = typeof HandlebarsRuntime;
/** What Handlebars.precompile makes of a template, evaluated: the argument of `Handlebars.template`. */
type TemplateSpec = Parameters<Environment["template"]>[0];

let builtinSpecs: Readonly<Record<string, TemplateSpec>> | null | undefined;

/**
 * The built-in templates, checked and precompiled by the build (dist/render/builtin-templates.cjs,
 * scripts/build-templates.mjs), by id; null when absent (tests running from src), and then they are
 * read, checked and compiled here as a `--templates` directory's are. Precompiled, a run needs only
 * the Handlebars runtime: no parser, compiler or source-map, and no template compiled per process.
 */
function precompiledBuiltins(): Readonly<Record<string, TemplateSpec>> | null {
  if (builtinSpecs === undefined) {
    try {
      builtinSpecs = createRequire(import.meta.url)("./builtin-templates.cjs") as Record<string, TemplateSpec>;
    } catch {
      builtinSpecs = null;
    }
  }
  return builtinSpecs;
}

/** A parsed, checked object produced from a planned one. */
export interface RenderedObject {
  planned: PlannedObject;
  object: Record<string, unknown>;
}

/**
 * Compiles each template once and renders planned objects through it.
 * Values reach the YAML only through `y`, which writes JSON (a subset of YAML), so no value can
 * open a new key, document or block whatever it contains.
 */
export class Renderer {
  #environment: Promise<Environment> | undefined;
  readonly #cache = new Map<string, Promise<Template | Finding>>();
  /** Parsed skeletons by rendered text: objects of one template and shape parse once. */
  readonly #skeletons = new Map<string, ReturnType<typeof parseSkeleton>>();
  /** Values written by `y` during the current (synchronous) template call. */
  #slots: unknown[] = [];
  readonly #nonce = randomBytes(6).toString("hex");
  #overridesChecked: Promise<Finding | undefined> | undefined;
  readonly #patterns = {
    exact: new RegExp(`^\u0000ms-${this.#nonce}-(\\d+)\u0000$`),
    // Inside a plain scalar the placeholder keeps its JSON spelling (quotes and \u0000 escapes).
    embedded: new RegExp(`"\\\\u0000ms-${this.#nonce}-(\\d+)\\\\u0000"`, "g"),
    marker: `ms-${this.#nonce}-`,
  };

  /**
   * `overrides` is a `--templates` directory: a template there (`<family>/<kind>.yaml.hbs`) replaces the
   * built-in one of the same path, every other template stays built in; both pass the same checks.
   */
  constructor(readonly overrides?: string) {}

  /**
   * The Handlebars environment, made on first use: the runtime alone when every template is precompiled,
   * the full Handlebars (parser and compiler) when a template is compiled here.
   */
  #handlebars(): Promise<Environment> {
    this.#environment ??= (async () => {
      const env = this.overrides === undefined && precompiledBuiltins() ? HandlebarsRuntime.create() : (await import("handlebars")).default.create();
      // `y` writes a placeholder string (JSON, so a YAML scalar) and keeps the value aside; the value is
      // put back into the parsed object afterwards. Values therefore never pass through the YAML parser:
      // nothing in them can become a key, a document or a tag.
      env.registerHelper("y", (value: unknown) => {
        if (value === undefined) throw new Error("y: value is undefined");
        this.#slots.push(value);
        return JSON.stringify(this.#token(this.#slots.length - 1));
      });
      return env;
    })();
    return this.#environment;
  }

  #token(index: number): string {
    return `\u0000ms-${this.#nonce}-${index}\u0000`;
  }

  /** Render one planned object; a finding names the template on any failure. */
  async render(planned: PlannedObject): Promise<{ value?: RenderedObject; finding?: Finding }> {
    const template = await this.#load(planned.template);
    if (typeof template !== "function") return { finding: template };
    const fail = (failed: Parameters<typeof say.MS4004>[1]): { finding: Finding } => ({ finding: { ...say.MS4004(planned.template, failed), path: planned.source } });
    let text: string;
    let slots: unknown[];
    try {
      this.#slots = [];
      text = template(planned.values);
    } catch (error) {
      return fail({ error: error instanceof Error ? error.message : String(error) });
    } finally {
      slots = this.#slots;
      this.#slots = [];
    }
    let skeleton = this.#skeletons.get(text);
    if (!skeleton) {
      skeleton = parseSkeleton(text);
      this.#skeletons.set(text, skeleton);
    }
    if ("failed" in skeleton) return fail(skeleton.failed);
    const object = this.#fill(skeleton.object, slots);
    if (!isRecord(object)) return fail("not a mapping");
    const metadata = isRecord(object["metadata"]) ? object["metadata"] : {};
    const mismatches: Array<{ field: string; rendered: unknown; expected: string }> = [];
    if (object["apiVersion"] !== planned.apiVersion) mismatches.push({ field: "apiVersion", rendered: object["apiVersion"], expected: planned.apiVersion });
    if (object["kind"] !== planned.kind) mismatches.push({ field: "kind", rendered: object["kind"], expected: planned.kind });
    if (metadata["name"] !== planned.name) mismatches.push({ field: "metadata.name", rendered: metadata["name"], expected: planned.name });
    if (metadata["namespace"] !== planned.namespace) mismatches.push({ field: "metadata.namespace", rendered: metadata["namespace"], expected: planned.namespace ?? "none" });
    if (mismatches.length > 0) return fail({ mismatches });
    return { value: { planned, object } };
  }

  /** A copy of the skeleton with every placeholder replaced by its value. */
  #fill(node: unknown, slots: readonly unknown[]): unknown {
    const { exact, embedded, marker } = this.#patterns;
    const fill = (value: unknown): unknown => {
      if (typeof value === "string") {
        if (!value.includes(marker)) return value;
        const whole = exact.exec(value);
        if (whole) return structuredClone(slots[Number(whole[1])]);
        // A placeholder inside a longer scalar: the JSON text the template asked for, as a string.
        return value.replace(embedded, (_m, i: string) => JSON.stringify(slots[Number(i)]));
      }
      if (Array.isArray(value)) return value.map(fill);
      if (isRecord(value)) {
        const out: Record<string, unknown> = {};
        for (const [key, child] of Object.entries(value)) out[String(fill(key))] = fill(child);
        return out;
      }
      return value;
    };
    return fill(node);
  }

  #load(id: string): Promise<Template | Finding> {
    let entry = this.#cache.get(id);
    if (!entry) {
      entry = this.#compile(id);
      this.#cache.set(id, entry);
    }
    return entry;
  }

  async #compile(id: string): Promise<Template | Finding> {
    if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(id)) return { ...say.MS4006({ invalidId: id }), path: [] };
    const name = `${id}.yaml.hbs`;
    let source: string | undefined;
    if (this.overrides !== undefined) {
      const usable = await this.#overridesUsable();
      if (usable) return usable;
      try {
        source = await readFile(join(this.overrides, name), "utf8");
      } catch (error) {
        // Absent from the override directory: the built-in one is used. Present but unreadable: say so.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
          return { ...say.MS4006({ file: name, dir: this.overrides, reason: (error as NodeJS.ErrnoException).code ?? String(error) }), path: [] };
        }
      }
    }
    const notFound = (): Finding => ({ ...say.MS4006({ notFound: name, dir: this.overrides }), path: [] });
    const handlebars = await this.#handlebars();
    if (source === undefined) {
      const precompiled = precompiledBuiltins();
      if (precompiled) {
        const spec = Object.hasOwn(precompiled, id) ? precompiled[id] : undefined;
        return spec ? (handlebars.template(spec) as Template) : notFound();
      }
      try {
        source = await readFile(join(BUILTIN_TEMPLATES, name), "utf8");
      } catch {
        return notFound();
      }
    }
    return checkTemplate(handlebars, id, source) ?? (handlebars.compile(source, TEMPLATE_OPTIONS) as Template);
  }

  /** The override directory exists and is a directory (checked once). */
  #overridesUsable(): Promise<Finding | undefined> {
    const directory = this.overrides ?? "";
    this.#overridesChecked ??= stat(directory).then(
      (s) => (s.isDirectory() ? undefined : { ...say.MS4006({ overridesNotDirectory: directory }), path: [] }),
      (error: NodeJS.ErrnoException) => ({ ...say.MS4006({ overrides: directory, reason: error.code ?? String(error) }), path: [] }),
    );
    return this.#overridesChecked;
  }

  /**
   * Templates in the override directory that replace no built-in template (a typo in a file name would
   * otherwise be silently ignored), with the closest built-in name.
   */
  async strayOverrides(): Promise<Finding[]> {
    if (this.overrides === undefined || (await this.#overridesUsable())) return [];
    const builtin = await listTemplates(BUILTIN_TEMPLATES);
    const findings: Finding[] = [];
    for (const file of await listTemplates(this.overrides)) {
      if (builtin.includes(file)) continue;
      const close = suggest(file, builtin);
      findings.push({ ...say.MS4011(this.overrides, file, close), path: [] });
    }
    return findings;
  }
}

/** Every `*.yaml.hbs` one directory deep (`<family>/<kind>.yaml.hbs`), sorted. */
async function listTemplates(directory: string): Promise<string[]> {
  const files: string[] = [];
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith(".yaml.hbs")) files.push(entry.name);
    if (!entry.isDirectory()) continue;
    for (const inner of await readdir(join(directory, entry.name), { withFileTypes: true }).catch(() => [])) {
      if (inner.name.endsWith(".yaml.hbs") && !inner.isDirectory()) files.push(`${entry.name}/${inner.name}`);
    }
  }
  return files.sort();
}

/** Parse rendered text (with placeholders) once: exactly one YAML document, no warnings. */
function parseSkeleton(text: string): { object: unknown } | { failed: { invalidYaml: string } | { yamlWarning: string } | "more documents" } {
  const doc = parseDocument(text, { version: "1.2", schema: "core", uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) return { failed: { invalidYaml: doc.errors[0]?.message.split("\n")[0] ?? "" } };
  if (doc.warnings.length > 0) return { failed: { yamlWarning: doc.warnings[0]?.message.split("\n")[0] ?? "" } };
  // parseDocument keeps only the first document; a second one shows up as an error above, but an
  // explicit end marker followed by content would not, so look for a document start in the text too.
  if (/^---/m.test(text.replace(/^---\s*\n/, ""))) return { failed: "more documents" };
  return { object: doc.toJS({ maxAliasCount: 0 }) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
