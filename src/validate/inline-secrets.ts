import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import { CREDENTIAL_KEYS } from "../diagnostics/redact.js";

/** Keys that hold credentials when they carry a literal value (refs end in SecretRef and are maps); `key` too, unless it is a ref's data key. */
const CREDENTIAL_KEY = new RegExp(`^(${[...CREDENTIAL_KEYS, "key"].join("|")})$`, "i");
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Secret material written into the policy: a private key anywhere, or a literal under a credential key.
 * The policy lives in Git, so this is an error even where the schema would also reject the key.
 */
export function findInlineSecrets(data: unknown): Finding[] {
  const findings: Finding[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === "string") {
      if (PEM_PRIVATE_KEY.test(value)) {
        findings.push({ ...say.MS2008("private key"), path });
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...path, index]));
      return;
    }
    if (typeof value !== "object" || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      const literal = typeof child === "string" || typeof child === "number";
      if (literal && CREDENTIAL_KEY.test(key) && !(key === "key" && isSecretKeyRef(value))) {
        findings.push({ ...say.MS2008({ key }), path: [...path, key], at: "key" });
        continue;
      }
      walk(child, [...path, key]);
    }
  };
  walk(data, []);
  return findings;
}

/** `{ name, key }` is a reference, and its `key` is the name of a data key, not a credential. */
function isSecretKeyRef(value: object): boolean {
  const keys = Object.keys(value);
  return keys.includes("name") && keys.every((k) => k === "name" || k === "key");
}
