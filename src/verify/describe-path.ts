/** The two ends of a hop and the port it reaches: all a reader needs to recognise a path. */
export interface PathEnds {
  from: string;
  to: string;
  /** `-` or empty when the hop has no port of its own. */
  port: string;
}

/**
 * How a path is named wherever one is printed: `explain` (the paths verify models on the compiled output),
 * `diff` (the paths a change touches) and their JSON. One function, so a reviewer who reads a path in a
 * diff finds the same words in explain.
 */
export function describePath(path: PathEnds): string {
  const port = path.port === "" || path.port === "-" ? "" : ` (port ${path.port.replace(/^port /, "")})`;
  return `${path.from} → ${path.to}${port}`;
}
