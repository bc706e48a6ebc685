import { posix } from "node:path";
import { diffSides } from "../../src/diff/report.js";
import type { DiffReport } from "../../src/diff/report.js";
import type { DiffSide } from "../../src/diff/side.js";
import { Renderer } from "../../src/render/render.js";

let renderer: Renderer | undefined;

/** A side held in memory, with the files next to it (CA state, bases of an `extends` chain) by path relative to it. */
export function textSide(name: string, text: string, files: Record<string, string> = {}): DiffSide {
  const dir = posix.dirname(name);
  const at = (label: string): string | undefined => (label === name ? text : files[posix.relative(dir, label)]);
  return {
    spec: name,
    file: name,
    text,
    files: {
      read: async (label) => at(label) ?? Promise.reject(new Error("no such file")),
      resolve: (from, ref) => posix.join(posix.dirname(from), ref),
    },
    readRelative: async (rel) => at(posix.join(dir, rel)),
  };
}

/** Diff two policy texts in process, with one renderer for the whole suite. */
export function diffTexts(base: string, head: string): Promise<DiffReport> {
  renderer ??= new Renderer();
  return diffSides(textSide("base.yaml", base), textSide("head.yaml", head), { renderer });
}

/** A policy with a bit of everything diff compares: a mesh, TLS settings, authorities, issuers, a route, callers, Knative. */
export const DIFF_BASE = `apiVersion: mesh-security/v1alpha1
kind: MeshSecurityPolicy
metadata:
  name: shop
platform:
  serviceMesh: { flavor: maistra-v2, owned: true }
  routeCertificates: cert-utils
tls:
  profile: intermediate
  minVersion: TLSv1_2
  cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
  ecdhCurves: [X25519, CurveP256]
mtls:
  mode: PERMISSIVE
  namespaces:
    legacy: DISABLE
authorities:
  internal:
    generate: { keyAlgorithm: ECDSA-P256, subject: "CN=shop internal CA", validityDays: 790 }
  spare:
    generate: { keyAlgorithm: ECDSA-P256, subject: "CN=shop spare CA", validityDays: 790 }
issuers:
  internal:
    ca: { authority: internal }
  spare:
    ca: { authority: spare }
services:
  - name: api
    namespace: shop
    port: 8443
    selector: { app: api }
    exposure: reencrypt
    host: api.apps.example.com
    certificate: { issuer: internal, duration: 2160h }
    workload: { kind: Deployment, name: api, container: api, serviceAccount: api }
  - name: db
    namespace: shop
    port: 8443
    selector: { app: db }
    certificate: { issuer: internal }
    workload: { kind: Deployment, name: db, container: db, serviceAccount: db }
    callers: [api]
  - name: mainframe
    namespace: legacy
    port: 8443
    selector: { app: mainframe }
    workload: { kind: Deployment, name: mainframe, container: mainframe, serviceAccount: mainframe }
`;

/** The example of docs/diff.md: a pull request against examples/end-to-end-encryption (each edit exactly once). */
export const DOC_EXAMPLE_EDITS: ReadonlyArray<readonly [string, string]> = [
  ["    exposure: reencrypt\n    host: customer.apps.example.com\n", "    exposure: external\n    host: customer.apps.example.com\n"],
  ["      secretName: route-service-preference\n", "      secretName: route-service-preference\n      duration: 8760h\n"],
  ["    callers: [preference]\n", "    callers: [preference, customer]\n"],
];

/** Apply the docs example's edits to a policy text. */
export function applyDocExample(text: string): string {
  let out = text;
  for (const [from, to] of DOC_EXAMPLE_EDITS) {
    if (out.split(from).length !== 2) throw new Error(`docs example edit not found exactly once: ${from}`);
    out = out.replace(from, to);
  }
  return out;
}
