import { readFileSync } from "node:fs";

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
}

/** Every fenced code block (```lang ... ```) of the files, in order. */
export function codeBlocks(files: readonly string[]): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const file of files) {
    const lines = readFileSync(file, "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(\w*)\s*$/.exec(lines[i] ?? "");
      if (!open) continue;
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ""); i++) body.push(lines[i] ?? "");
      blocks.push({ file, line: start + 1, lang: open[1] ?? "", text: `${body.join("\n")}\n` });
    }
  }
  return blocks;
}
