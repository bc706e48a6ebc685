/**
 * The terminal's width for tables: the TTY's, else `$COLUMNS`; undefined when neither says (output piped
 * into a file or another program keeps one row per path, for grep and diff).
 */
export function terminalWidth(stream: { columns?: number | undefined; isTTY?: boolean | undefined }): number | undefined {
  if (stream.isTTY && stream.columns) return stream.columns;
  const fromEnv = Number.parseInt(process.env["COLUMNS"] ?? "", 10);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined;
}
