import { diagnosticsForJson } from "../diagnostics/format.js";
import { formatHtml } from "./format-html.js";
import { formatMarkdown } from "./format-markdown.js";
import { formatText } from "./format-text.js";
import type { DiffReport } from "./report.js";

/** The formats `diff --format` writes. */
export type DiffFormat = "text" | "markdown" | "html" | "json";

/** The diff report in one format (json: one document with the diagnostics inside, secrets redacted). */
export function formatReport(format: DiffFormat, result: DiffReport): string {
  switch (format) {
    case "json":
      return `${JSON.stringify({ base: result.base, head: result.head, changes: result.changes, objects: result.objects, diagnostics: diagnosticsForJson(result.diagnostics, result.sources) }, null, 2)}\n`;
    case "markdown":
      return formatMarkdown(result);
    case "html":
      return formatHtml(result);
    case "text":
      return formatText(result);
  }
}
