import type { JsonAttributeObject, JsonNameParams } from "@peculiar/x509";

/** One attribute of a distinguished name: its OID and its unescaped value. */
export interface DnAttribute {
  oid: string;
  value: string;
}

/** A parsed distinguished name, RDNs in the order written (RFC 4514: most specific first). */
export type ParsedDn = { rdns: DnAttribute[][] } | { problem: string };

// Short names RFC 4514 section 3 requires, plus the ones OpenSSL prints for CA subjects.
const ATTRIBUTE_OIDS: Readonly<Record<string, string>> = {
  CN: "2.5.4.3",
  SERIALNUMBER: "2.5.4.5",
  C: "2.5.4.6",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  STREET: "2.5.4.9",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  DC: "0.9.2342.19200300.100.1.25",
  UID: "0.9.2342.19200300.100.1.1",
};

/** The OID of commonName. */
export const CN_OID = "2.5.4.3";

const SPECIAL = new Set(['"', "+", ",", ";", "<", ">", "\\", "#", "=", " "]);

/**
 * Parse an RFC 4514 string such as `CN=shop internal root CA,O=Example`. Lenient only about blanks
 * around `,`, `+` and `=`; a `#hex` (BER) value is refused, as are unknown attribute types.
 */
export function parseDistinguishedName(text: string): ParsedDn {
  const rdns: DnAttribute[][] = [];
  let rdn: DnAttribute[] = [];
  let i = 0;
  const skipBlanks = (): void => {
    while (text[i] === " ") i++;
  };
  for (;;) {
    skipBlanks();
    const typeStart = i;
    while (i < text.length && /[A-Za-z0-9.-]/.test(text[i] ?? "")) i++;
    const type = text.slice(typeStart, i);
    skipBlanks();
    if (type === "" || text[i] !== "=") return { problem: `expected an attribute type and "=" at position ${typeStart + 1}` };
    i++;
    const oid = /^\d+(\.\d+)+$/.test(type) ? type : ATTRIBUTE_OIDS[type.toUpperCase()];
    if (oid === undefined) return { problem: `unknown attribute type "${type}" (use one of ${Object.keys(ATTRIBUTE_OIDS).join(", ")} or a numeric OID)` };
    skipBlanks();
    if (text[i] === "#") return { problem: `"${type}=#..." (a BER-encoded value) is not supported; write the value as text` };
    const value = readValue(text, i);
    if ("problem" in value) return value;
    i = value.end;
    if (value.text === "") return { problem: `empty value for "${type}"` };
    rdn.push({ oid, value: value.text });
    if (i >= text.length) break;
    const separator = text[i];
    i++;
    if (separator === ",") {
      rdns.push(rdn);
      rdn = [];
    } else if (separator !== "+") {
      return { problem: `unexpected "${separator ?? ""}" at position ${i}` };
    }
  }
  rdns.push(rdn);
  return { rdns };
}

/** Read one attribute value from `start`: escapes resolved, unescaped trailing blanks dropped. */
function readValue(text: string, start: number): { text: string; end: number } | { problem: string } {
  const bytes: number[] = [];
  let keep = 0; // bytes up to the last character that is not an unescaped blank
  let i = start;
  const encoder = new TextEncoder();
  while (i < text.length) {
    const c = text[i] ?? "";
    if (c === "," || c === "+") break;
    if (c === '"' || c === ";" || c === "<" || c === ">") return { problem: `"${c}" must be escaped as "\\${c}" (position ${i + 1})` };
    if (c === "\\") {
      const next = text[i + 1] ?? "";
      const pair = text.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
        bytes.push(Number.parseInt(pair, 16));
        i += 3;
      } else if (SPECIAL.has(next)) {
        bytes.push(...encoder.encode(next));
        i += 2;
      } else {
        return { problem: `invalid escape "\\${next}" at position ${i + 1}` };
      }
      keep = bytes.length;
      continue;
    }
    const codePoint = text.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(codePoint);
    bytes.push(...encoder.encode(char));
    if (char !== " ") keep = bytes.length;
    i += char.length;
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes.slice(0, keep))), end: i };
  } catch {
    return { problem: "an escaped byte sequence is not valid UTF-8" };
  }
}

/**
 * The name as @peculiar/x509 JSON, in ASN.1 order. RFC 4514 writes the most specific RDN first, the
 * DER sequence starts at the root of the tree, so the RDNs are reversed; @peculiar/x509's own string
 * parser keeps the written order (and interprets quotes, `#` and escapes loosely), hence this.
 */
export function toJsonName(rdns: readonly (readonly DnAttribute[])[]): JsonNameParams {
  return [...rdns].reverse().map((rdn) => {
    const item: Record<string, JsonAttributeObject[]> = {};
    for (const { oid, value } of rdn) (item[oid] ??= []).push(stringValue(oid, value));
    return item;
  });
}

// RFC 5280 4.1.2.4: DirectoryString as UTF8String; countryName and serialNumber are PrintableString,
// domainComponent is IA5String (RFC 4519).
function stringValue(oid: string, value: string): JsonAttributeObject {
  if (oid === ATTRIBUTE_OIDS["C"] || oid === ATTRIBUTE_OIDS["SERIALNUMBER"]) return { printableString: value };
  if (oid === ATTRIBUTE_OIDS["DC"]) return { ia5String: value };
  return { utf8String: value };
}

/**
 * The intermediate's subject: the root's with its CN renamed, the word "root" becoming
 * "intermediate" (`shop root CA` → `shop intermediate CA`) or else " Intermediate" appended; a
 * subject without CN gains `CN=<name> intermediate CA`. It must differ from the root's subject, or
 * chain builders would take the intermediate for a self-issued certificate.
 */
export function intermediateRdns(rdns: readonly (readonly DnAttribute[])[], authorityName: string): DnAttribute[][] {
  let renamed = false;
  const out = rdns.map((rdn) =>
    rdn.map((attribute) => {
      if (attribute.oid !== CN_OID || renamed) return { ...attribute };
      renamed = true;
      return { oid: CN_OID, value: intermediateCommonName(attribute.value) };
    }),
  );
  return renamed ? out : [[{ oid: CN_OID, value: `${authorityName} intermediate CA` }], ...out];
}

function intermediateCommonName(root: string): string {
  const replaced = root.replace(/\b(root|Root|ROOT)\b/, (word) =>
    word === "ROOT" ? "INTERMEDIATE" : word === "Root" ? "Intermediate" : "intermediate",
  );
  return replaced !== root ? replaced : `${root} Intermediate`;
}

/**
 * A name as RFC 4514 text, most specific RDN first (`CN=shop internal root CA,O=Example`), from
 * @peculiar/x509's JSON form (ASN.1 order, short type names where known, OIDs otherwise).
 */
export function formatDistinguishedName(json: readonly Readonly<Record<string, readonly string[]>>[]): string {
  return [...json]
    .reverse()
    .map((rdn) =>
      Object.keys(rdn)
        .flatMap((type) => (rdn[type] ?? []).map((value) => `${type}=${escapeValue(value)}`))
        .join("+"),
    )
    .join(",");
}

// RFC 4514 2.4: escape the specials anywhere, a leading "#" or blank, a trailing blank, and NUL.
function escapeValue(value: string): string {
  return value
    .replace(/["+,;<>\\]/g, (c) => `\\${c}`)
    .replace(/\0/g, "\\00")
    .replace(/^[# ]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ");
}
