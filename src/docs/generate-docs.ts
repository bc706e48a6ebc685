import { CODES } from "../diagnostics/codes.js";
import type { CodeInfo } from "../diagnostics/codes.js";

type SchemaNode = Record<string, unknown>;

/** docs/reference.md: every field of the policy, from the schema's descriptions and defaults. */
export function renderReference(schema: SchemaNode): string {
  const definitions = (schema["definitions"] ?? {}) as Record<string, SchemaNode>;
  const rows: string[] = [];
  const resolve = (node: SchemaNode): SchemaNode => {
    const ref = typeof node["$ref"] === "string" ? node["$ref"] : Array.isArray(node["allOf"]) ? ((node["allOf"] as SchemaNode[])[0]?.["$ref"] as string | undefined) : undefined;
    if (!ref) return node;
    const target = definitions[ref.replace("#/definitions/", "")] ?? {};
    return { ...target, ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== "$ref" && k !== "allOf")) };
  };
  const typeOf = (node: SchemaNode): string => {
    if (Array.isArray(node["enum"])) return (node["enum"] as unknown[]).map((v) => `\`${String(v)}\``).join(" \\| ");
    if (node["const"] !== undefined) return `\`${String(node["const"])}\``;
    if (Array.isArray(node["anyOf"])) return (node["anyOf"] as SchemaNode[]).map((n) => typeOf(resolve(n))).join(" \\| ");
    if (node["type"] === "array") return `list of ${typeOf(resolve((node["items"] ?? {}) as SchemaNode))}`;
    if (node["type"] === "object" && !node["properties"] && typeof node["additionalProperties"] === "object") return `map of ${typeOf(resolve(node["additionalProperties"] as SchemaNode))}`;
    if (typeof node["pattern"] === "string" && typeof node["title"] === "string") return `string (${String(node["title"]).split(" (")[0]})`;
    return String(node["type"] ?? "any");
  };
  const walk = (node: SchemaNode, path: string, required: boolean): void => {
    const n = resolve(node);
    const description = String(n["description"] ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
    const defaultValue = n["default"] !== undefined && !(typeof n["default"] === "object" && Object.keys(n["default"] as object).length === 0) ? `\`${JSON.stringify(n["default"])}\`` : "";
    if (path) rows.push(`| \`${path}\` | ${typeOf(n)} | ${required ? "yes" : ""} | ${defaultValue} | ${description} |`);
    const properties = (n["properties"] ?? {}) as Record<string, SchemaNode>;
    const requiredKeys = new Set((n["required"] as string[] | undefined) ?? []);
    for (const [key, child] of Object.entries(properties)) walk(child, path ? `${path}.${key}` : key, requiredKeys.has(key));
    if (n["type"] === "array") {
      const items = resolve((n["items"] ?? {}) as SchemaNode);
      if (items["properties"]) walk(items, `${path}[]`, false);
    }
    if (n["type"] === "object" && typeof n["additionalProperties"] === "object") {
      const values = resolve(n["additionalProperties"] as SchemaNode);
      if (values["properties"]) walk(values, `${path}.<name>`, false);
    }
  };
  walk(schema, "", false);
  return [
    "# Policy reference (`mesh-security/v1alpha1`)",
    "",
    "Generated from `schemas/mesh-security.schema.json` by `npm run docs`; do not edit by hand.",
    "CI fails when this file is out of date.",
    "",
    String(schema["description"] ?? ""),
    "",
    "| field | type | required | default | description |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

/** docs/diagnostics.md: every code, what triggers it, how to fix it, and an example. */
export function renderDiagnostics(examples: ReadonlyMap<string, string>): string {
  const sections = Object.entries(CODES as Record<string, CodeInfo>).map(([code, info]) => {
    const example = examples.get(code);
    return [
      `## ${code} — ${info.title}`,
      "",
      `**${info.severity}.** ${info.summary}`,
      "",
      `**Fix:** ${info.fix}`,
      ...(example ? ["", "Example:", "", "```", example.trimEnd(), "```"] : []),
      "",
    ].join("\n");
  });
  return [
    "# Diagnostics",
    "",
    "Generated from `src/diagnostics/codes.ts` by `npm run docs`; do not edit by hand. Codes are stable and never reused:",
    "1xxx load and schema, 2xxx semantic rules, 3xxx CA material, 4xxx output, 5xxx verify (behaviour on the cluster).",
    "",
    ...sections,
  ].join("\n");
}
