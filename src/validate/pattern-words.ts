// What each pattern of the policy schema asks for, in words: a failed pattern is never shown as a regex.

/**
 * The patterns written inline in the schema, in words: a failed one is explained by what the value must
 * look like, never by the regular expression. test/hints.test.ts checks that every pattern has words.
 */
const PATTERN_WORDS: Record<string, string> = {
  "^4\\.[0-9]+$": 'OpenShift version: major.minor in quotes, such as "4.19"',
  "^v[0-9]+\\.[0-9]+(\\.[0-9]+)?$": "version: v, then major.minor or major.minor.patch, such as v2.6 or v1.24.3",
  "^[A-Z0-9][A-Z0-9_-]*$": "cipher suite name: upper-case letters, digits, '_' and '-', such as TLS_AES_128_GCM_SHA256",
  "^(.*,)?\\s*CN=[^,]+.*$": 'subject: comma-separated attributes with a CN, such as "CN=shop root CA,O=Example"',
  "^https://[^\\s]+$": "https:// URL without spaces",
  "^(?=[-a-z0-9]*[a-z])[a-z0-9]+(-[a-z0-9]+)*$": "port name: lower-case letters, digits and '-', with at least one letter, no '-' at either end or twice in a row",
  "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$":
    "label key: an optional DNS subdomain and '/', then letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
  "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$": "label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit (or empty)",
  "^(/[-A-Za-z0-9_.@+]+)+/?$": "absolute path: starts with '/', its parts made of letters, digits and '-', '_', '.', '@', '+', such as /etc/tls",
  "^/": "path starting with '/'",
  "^[^/]": "relative path (to this file), such as ../../base/mesh-security.base.yaml: not starting with '/'",
  "^(deployment|statefulset|daemonset)/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$": "workload reference: deployment/<name>, statefulset/<name> or daemonset/<name>, the name in lower case",
  "^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z]([-a-z0-9]*[a-z0-9])?$": "caller: a service name, or <namespace>/<service>, in lower case",
  "^[-._a-zA-Z0-9]+$": "Secret key: letters, digits, '-', '_' and '.'",
};

/** Pattern → a human name, from the schema's definitions (`dns1123Label` → "DNS-1123 label") and the words above. */
export function describePatterns(schema: Record<string, unknown>): Map<string, string> {
  const names = new Map<string, string>(Object.entries(PATTERN_WORDS));
  const definitions = (schema["definitions"] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, definition] of Object.entries(definitions)) {
    const pattern = definition["pattern"];
    if (typeof pattern !== "string" || pattern in PATTERN_WORDS) continue;
    const title = typeof definition["title"] === "string" ? definition["title"] : humanize(name);
    if (!names.has(pattern)) names.set(pattern, title);
  }
  return names;
}

function humanize(name: string): string {
  const known: Record<string, string> = {
    dns1123Label: "DNS-1123 label (lower case letters, digits and '-', at most 63 characters)",
    dns1035Label: "DNS-1035 label (starts with a letter; lower case letters, digits and '-', at most 63 characters)",
    dns1123Subdomain: "DNS-1123 subdomain (lower case, dot-separated labels, at most 253 characters)",
    goDuration: "duration (Go form such as 2160h, 90m or 1h30m)",
    hostname: "host name",
  };
  return known[name] ?? name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}
