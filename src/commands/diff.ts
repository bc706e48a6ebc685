import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { Argv, CommandModule } from "yargs";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { formatReport } from "../diff/format-report.js";
import type { DiffFormat } from "../diff/format-report.js";
import { diffSides, failsOn } from "../diff/report.js";
import type { DiffReport } from "../diff/report.js";
import { readSide } from "../diff/side.js";
import { EXIT } from "./common.js";

interface DiffArgs {
  base: string;
  head: string;
  format: DiffFormat;
  output?: string;
  failOn: "weakening" | "any" | "never";
  verify: boolean;
}

/** `mesh-security diff BASE HEAD`: what a change does on the wire, for the people who review it (DESIGN.md "diff"). */
export const diffCommand: CommandModule<object, DiffArgs> = {
  command: "diff <base> <head>",
  describe: "show what a policy change does on the wire: weaker or stronger encryption, authentication, exposure and callers, then the objects",
  builder: (yargs: Argv) =>
    yargs
      .positional("base", { type: "string", demandOption: true, describe: "the policy before: a file, or REV:PATH read with git show" })
      .positional("head", { type: "string", demandOption: true, describe: "the policy after: a file, or REV:PATH" })
      .option("format", { choices: ["text", "markdown", "html", "json"] as const, default: "text" as const, describe: "report format" })
      .option("output", { alias: "o", type: "string", describe: "write the report to FILE instead of stdout" })
      .option("fail-on", { choices: ["weakening", "any", "never"] as const, default: "never" as const, describe: "exit 1 when a change of this class exists (CI gates)" })
      .option("verify", { type: "boolean", default: false, describe: "also run verify's model on both compiled outputs and report paths that become broken (slower)" }) as unknown as Argv<DiffArgs>,
  handler: async (argv) => {
    const cwd = process.cwd();
    const [base, head] = [await readSide(argv.base, cwd, existsSync), await readSide(argv.head, cwd, existsSync)];
    const readProblems = [...base.diagnostics, ...head.diagnostics];
    if (!base.value || !head.value) {
      report(argv, { base: argv.base, head: argv.head, changes: [], objects: [], diagnostics: readProblems, edges: [], sources: new Map() });
      process.exitCode = EXIT.io;
      return;
    }
    const result = await diffSides(base.value, head.value, { verify: argv.verify });
    const written = await report(argv, result);
    process.exitCode = !written ? EXIT.io : hasErrors(result.diagnostics) ? EXIT.policyErrors : failsOn(result, argv.failOn) ? EXIT.policyErrors : EXIT.ok;
  },
};

/** Print the diagnostics (stderr, or inside the JSON document) and the report (stdout or -o FILE). */
async function report(argv: DiffArgs, result: DiffReport): Promise<boolean> {
  if (argv.format !== "json" && result.diagnostics.length > 0) {
    process.stderr.write(formatDiagnostics(result.diagnostics, "text", result.sources, { color: process.stderr.isTTY === true }));
  }
  if (hasErrors(result.diagnostics) && argv.format !== "json") return true;
  const out = formatReport(argv.format, result);
  if (argv.output === undefined) {
    process.stdout.write(out);
    return true;
  }
  try {
    await writeFile(argv.output, out);
    process.stderr.write(`wrote ${argv.output}\n`);
    return true;
  } catch (error) {
    process.stderr.write(`error: cannot write ${argv.output}: ${(error as Error).message}\n`);
    return false;
  }
}
