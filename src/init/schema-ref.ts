import { dirname, relative, resolve, sep } from "node:path";

/** The file name of the schema when it is written beside the policy. */
export const SCHEMA_BESIDE = "mesh-security.schema.json";

/** What the starter policy's `$schema` comment points at, relative to the policy's directory. */
export interface SchemaReference {
  ref: string;
  /** True when the schema must be written beside the policy for `ref` to resolve. */
  beside: boolean;
}

/**
 * Point at the installed package's schema when the package sits in a `node_modules` of the policy's
 * directory or of one of its parents (the layout `npm install ./mesh-security-x.y.z.tgz` makes, the
 * one editors resolve and a clone gets back from `npm ci`). Anywhere else (a global install, the npx
 * cache, a source checkout) that path would not exist in the policy repository: write the schema
 * beside the policy instead.
 */
export function schemaReference(policyFile: string, schemaFile: string): SchemaReference {
  const rel = relative(dirname(resolve(policyFile)), schemaFile).split(sep).join("/");
  const segments = rel.split("/");
  const at = segments.indexOf("node_modules");
  if (at >= 0 && segments.slice(0, at).every((s) => s === "..") && segments[at + 1] === "mesh-security") {
    return { ref: rel.startsWith("..") ? rel : `./${rel}`, beside: false };
  }
  return { ref: `./${SCHEMA_BESIDE}`, beside: true };
}
