import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { compilePolicy } from "../../src/compile.js";
import type { CompileResult } from "../../src/compile.js";
import type { Strictness } from "../../src/diagnostics/settle.js";

/** A minimal valid policy header; append sections to it. */
export const HEADER = "apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\nmetadata:\n  name: test\n";

/** A generated authority (root + intermediate) behind a CA issuer and the Maistra 2 plug-in CA; append `output:`. */
export const MESH_CA_POLICY = `${HEADER}platform:
  serviceMesh: { flavor: maistra-v2, owned: true, certificateAuthority: internal }
authorities:
  internal:
    generate: { keyAlgorithm: ECDSA-P256, subject: "CN=test root CA,O=Example", validityDays: 790, intermediate: true }
issuers:
  internal: { ca: { authority: internal } }
services:
  - { name: api, namespace: shop, certificate: { issuer: internal } }
mtls: { mode: STRICT }
`;

/** Write a policy into a fresh temp directory; returns its path. */
export function writePolicy(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ms-policy-"));
  const file = join(dir, "mesh-security.yaml");
  writeFileSync(file, text);
  return file;
}

/** Compile policy text in process. */
export async function compileText(text: string, options: { templatesDir?: string; missingMaterial?: "generate" | "report" | "ignore"; now?: Date; allowUnsafeRotation?: boolean; strictness?: Strictness } = {}): Promise<CompileResult> {
  // CA material is left alone unless a test asks for it (tests of it use their own state directory).
  return compilePolicy({ policyFile: writePolicy(text), missingMaterial: "ignore", ...options });
}

/** The generated objects, parsed, keyed by output path. */
export function objects(result: CompileResult): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [path, content] of result.tree?.files ?? []) {
    if (path.endsWith(".yaml")) out.set(path, parse(content, { version: "1.1" }) as Record<string, unknown>);
  }
  return out;
}

/** [code, line, column] of every diagnostic, in reading order. */
export function codesAt(result: CompileResult): Array<[string, number | undefined, number | undefined]> {
  return result.diagnostics.map((d) => [d.code, d.range?.start.line, d.range?.start.column]);
}
