import { KEYED_LISTS } from "./merge.js";

type Schema = Record<string, unknown>;

/** The keys every policy file states itself, overlay or not. */
const OWN_KEYS = ["apiVersion", "kind", "metadata", "extends"];

/**
 * The JSON Schema of an overlay (a file with `extends`), for editors: the policy schema with every
 * `required` dropped (the base supplies what is missing), choices that only demand one of several
 * keys dropped (`issuers.x: { acme: { server: production } }` changes one field of the base's
 * issuer), every key allowed to be `null` (which removes it from the base), and only the identity of
 * a `services` / `caBundles` entry required, with `$remove`. What it cannot check — that the merged
 * policy is complete — `mesh-security validate` does, on the merged document.
 */
export function overlaySchema(policy: Schema): Schema {
  const relaxed = relax(policy) as Schema;
  const properties = { ...(relaxed["properties"] as Record<string, Schema>) };
  for (const list of Object.keys(KEYED_LISTS)) {
    // An entry still names the base's entry it changes: its identity keys stay required.
    const items = ((properties[list]?.["anyOf"] as Schema[] | undefined)?.[0]?.["items"]) as Schema | undefined;
    const original = ((policy["properties"] as Record<string, Schema> | undefined)?.[list]?.["items"] as Schema | undefined)?.["required"];
    if (items && Array.isArray(original)) items["required"] = original;
  }
  for (const key of OWN_KEYS) {
    const wrapped = properties[key];
    const inner = (wrapped?.["anyOf"] as Schema[] | undefined)?.[0];
    if (inner) properties[key] = inner; // never null: each file states them
  }
  return {
    ...relaxed,
    $id: String(policy["$id"] ?? "").replace(/\.schema\.json$/, ".overlay.schema.json"),
    title: `${String(policy["title"] ?? "policy")}: overlay (a file with \`extends\`)`,
    description: `An overlay of a mesh-security policy: it names its base with \`extends\` and states only what differs. Maps merge key by key (this file wins), \`null\` removes a key, \`services\` merge by (namespace, name) and \`caBundles\` by (kind, namespace, name) with \`$remove: true\` dropping an entry, other lists are replaced whole. The merged policy is validated by \`mesh-security validate\` against the full schema.`,
    required: ["apiVersion", "kind", "metadata", "extends"],
    properties,
  };
}

/** True for `{ required: [...] }` and nothing else: a branch that only asks for a key. */
function onlyRequires(branch: unknown): boolean {
  return typeof branch === "object" && branch !== null && Object.keys(branch).every((k) => k === "required");
}

function relax(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relax);
  if (typeof node !== "object" || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node as Schema)) {
    if (key === "required") continue;
    if ((key === "oneOf" || key === "anyOf") && Array.isArray(value) && value.every(onlyRequires)) continue;
    if (key === "properties" && typeof value === "object" && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value as Schema).map(([name, property]) => [name, nullable(relax(property) as Schema)]));
    } else if (key === "additionalProperties" && typeof value === "object" && value !== null) {
      out[key] = nullable(relax(value) as Schema);
    } else if (key === "oneOf" && Array.isArray(value)) {
      // Relaxed branches may overlap (both empty): "exactly one" would then reject what "any" accepts.
      out["anyOf"] = value.map(relax);
    } else {
      out[key] = relax(value);
    }
  }
  return out;
}

/** `X or null`, keeping X's description on top so editors still show it. */
function nullable(schema: Schema): Schema {
  return {
    ...(schema["description"] !== undefined ? { description: schema["description"] } : {}),
    anyOf: [schema, { type: "null", description: "`null` removes this key from the base." }],
  };
}
