import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import Handlebars from "handlebars";
import { parseDocument } from "yaml";
import type { Finding } from "../diagnostics/diagnostic.js";
import type { PlannedObject } from "../plan/planned-object.js";

/** The templates shipped with the package (src/render → ../../templates, dist/render likewise). */
export const BUILTIN_TEMPLATES = fileURLToPath(new URL("../../templates/", import.meta.url));

type Template = (values: Record<string, unknown>) => string;

/** A parsed, checked object produced from a planned one. */
export interface RenderedObject {
  planned: PlannedObject;
  object: Record<string, unknown>;
}

/** Block helpers a template may use; every other expression must be `{{y value}}`. */
const BLOCK_HELPERS = new Set(["if", "unless", "each", "with"]);

/**
 * Compiles each template once and renders planned objects through it.
 * Values reach the YAML only through `y`, which writes JSON (a subset of YAML), so no value can
 * open a new key, document or block whatever it contains.
 */
export class Renderer {
  readonly #handlebars = Handlebars.create();
  readonly #cache = new Map<string, Promise<Template | Finding>>();
  /** Parsed skeletons by rendered text: objects of one template and shape parse once. */
  readonly #skeletons = new Map<string, { object: unknown } | { error: string }>();
  /** Values written by `y` during the current (synchronous) template call. */
  #slots: unknown[] = [];
  readonly #nonce = randomBytes(6).toString("hex");
  readonly #patterns = {
    exact: new RegExp(`^\u0000ms-${this.#nonce}-(\\d+)\u0000$`),
    // Inside a plain scalar the placeholder keeps its JSON spelling (quotes and \u0000 escapes).
    embedded: new RegExp(`"\\\\u0000ms-${this.#nonce}-(\\d+)\\\\u0000"`, "g"),
    marker: `ms-${this.#nonce}-`,
  };

  constructor(readonly directory: string = BUILTIN_TEMPLATES) {
    // `y` writes a placeholder string (JSON, so a YAML scalar) and keeps the value aside; the value is
    // put back into the parsed object afterwards. Values therefore never pass through the YAML parser:
    // nothing in them can become a key, a document or a tag.
    this.#handlebars.registerHelper("y", (value: unknown) => {
      if (value === undefined) throw new Error("y: value is undefined");
      this.#slots.push(value);
      return JSON.stringify(this.#token(this.#slots.length - 1));
    });
  }

  #token(index: number): string {
    return `\u0000ms-${this.#nonce}-${index}\u0000`;
  }

  /** Render one planned object; a finding names the template on any failure. */
  async render(planned: PlannedObject): Promise<{ value?: RenderedObject; finding?: Finding }> {
    const template = await this.#load(planned.template);
    if (typeof template !== "function") return { finding: template };
    const fail = (message: string): { finding: Finding } => ({
      finding: { code: "MS4004", message: `template ${planned.template}: ${message}`, path: planned.source },
    });
    let text: string;
    let slots: unknown[];
    try {
      this.#slots = [];
      text = template(planned.values);
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    } finally {
      slots = this.#slots;
      this.#slots = [];
    }
    let skeleton = this.#skeletons.get(text);
    if (!skeleton) {
      skeleton = parseSkeleton(text);
      this.#skeletons.set(text, skeleton);
    }
    if ("error" in skeleton) return fail(skeleton.error);
    const object = this.#fill(skeleton.object, slots);
    if (!isRecord(object)) return fail("did not render a YAML mapping");
    const metadata = isRecord(object["metadata"]) ? object["metadata"] : {};
    const mismatches: string[] = [];
    if (object["apiVersion"] !== planned.apiVersion) mismatches.push(`apiVersion ${JSON.stringify(object["apiVersion"])} (expected ${planned.apiVersion})`);
    if (object["kind"] !== planned.kind) mismatches.push(`kind ${JSON.stringify(object["kind"])} (expected ${planned.kind})`);
    if (metadata["name"] !== planned.name) mismatches.push(`metadata.name ${JSON.stringify(metadata["name"])} (expected ${planned.name})`);
    if (metadata["namespace"] !== planned.namespace) mismatches.push(`metadata.namespace ${JSON.stringify(metadata["namespace"])} (expected ${planned.namespace ?? "none"})`);
    if (mismatches.length > 0) return fail(`rendered a different object: ${mismatches.join(", ")}`);
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
    if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(id)) return { code: "MS4006", message: `invalid template id ${id}`, path: [] };
    const file = join(this.directory, `${id}.yaml.hbs`);
    let source: string;
    try {
      source = await readFile(file, "utf8");
    } catch {
      return { code: "MS4006", message: `template ${id}.yaml.hbs not found in ${this.directory}`, path: [] };
    }
    let ast: hbs.AST.Program;
    try {
      ast = this.#handlebars.parse(source);
    } catch (error) {
      return { code: "MS4004", message: `template ${id}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, path: [] };
    }
    const unsafe = findUnsafeExpressions(ast);
    if (unsafe.length > 0) {
      return {
        code: "MS4004",
        message: `template ${id}: ${unsafe.join("; ")}: values must be written with {{y value}}`,
        path: [],
      };
    }
    return this.#handlebars.compile(source, { noEscape: true, strict: true }) as Template;
  }
}

/** Every `{{expr}}` that is not `{{y value}}`, and every triple-stash or partial. */
function findUnsafeExpressions(node: hbs.AST.Program): string[] {
  const problems: string[] = [];
  const visit = (statements: hbs.AST.Statement[]): void => {
    for (const statement of statements) {
      const line = statement.loc?.start.line ?? 0;
      if (statement.type === "MustacheStatement") {
        const m = statement as hbs.AST.MustacheStatement;
        const name = (m.path as hbs.AST.PathExpression).original;
        if (name !== "y" || m.params.length !== 1 || m.hash) problems.push(`line ${line}: {{${String(name)}}}`);
      } else if (statement.type === "BlockStatement") {
        const b = statement as hbs.AST.BlockStatement;
        const name = (b.path as hbs.AST.PathExpression).original;
        if (!BLOCK_HELPERS.has(String(name))) problems.push(`line ${line}: block helper #${String(name)} is not allowed`);
        if (b.program) visit(b.program.body);
        if (b.inverse) visit(b.inverse.body);
      } else if (statement.type === "PartialStatement" || statement.type === "PartialBlockStatement" || statement.type === "DecoratorBlock" || statement.type === "Decorator") {
        problems.push(`line ${line}: partials and decorators are not allowed`);
      }
    }
  };
  visit(node.body);
  return problems;
}

/** Parse rendered text (with placeholders) once: exactly one YAML document, no warnings. */
function parseSkeleton(text: string): { object: unknown } | { error: string } {
  const doc = parseDocument(text, { version: "1.2", schema: "core", uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) return { error: `rendered invalid YAML: ${doc.errors[0]?.message.split("\n")[0] ?? ""}` };
  if (doc.warnings.length > 0) return { error: `rendered YAML with warnings: ${doc.warnings[0]?.message.split("\n")[0] ?? ""}` };
  // parseDocument keeps only the first document; a second one shows up as an error above, but an
  // explicit end marker followed by content would not, so look for a document start in the text too.
  if (/^---/m.test(text.replace(/^---\s*\n/, ""))) return { error: "rendered more than one YAML document" };
  return { object: doc.toJS({ maxAliasCount: 0 }) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
