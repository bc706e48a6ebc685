import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Argv, CommandModule } from "yargs";
import { caCommand } from "./commands/ca.js";
import { compileCommand } from "./commands/compile.js";
import { diffCommand } from "./commands/diff.js";
import { EXIT } from "./commands/common.js";
import { withExamples } from "./commands/help-examples.js";
import { explainCommand } from "./commands/explain.js";
import { initCommand } from "./commands/init.js";
import { schemaCommand } from "./commands/schema.js";
import { validateCommand } from "./commands/validate.js";
import { verifyCommand } from "./commands/verify.js";
import { suggest } from "./util/suggest.js";
import { version } from "./version.js";

/** What yargs' CommonJS build (build/index.cjs, behind `yargs/yargs`) exports, as far as used here. */
interface YargsBuild {
  Yargs: (args: string[]) => Argv;
  processArgv: { hideBin: (argv: string[]) => string[] };
  cjsPlatformShim: { mainFilename: string };
}

/**
 * yargs' CommonJS build. Its ESM build lays out help with cliui's ESM shim, which wraps at a fixed
 * character count and so breaks words ("<sta\nte-dir>"; yargs/cliui index.mjs →
 * build/lib/string-utils.js `wrap`); the CommonJS build uses wrap-ansi, which wraps at word boundaries.
 *
 * Its factory calls `.version()` without a version, which looks for a package.json by reading every
 * directory from the main module's up to the first that has one (yargs `pkgUp`, escalade/sync). For an
 * ES module entry there is no `require.main`, so the search starts at the working directory: from a
 * directory without package.json it reads every parent, /tmp with its thousands of entries included,
 * some 50-70 ms, for a version `.version(version())` replaces anyway. The search starts at this
 * package's own package.json instead, as it would for a CommonJS entry. The package's exports map does
 * not list build/index.cjs, so it is loaded by path (the file `yargs/yargs` itself requires).
 */
function loadYargs(): YargsBuild {
  if (yargsBuild) return yargsBuild;
  const require = createRequire(import.meta.url);
  yargsBuild = require(join(dirname(require.resolve("yargs/package.json")), "build", "index.cjs")) as YargsBuild;
  yargsBuild.cjsPlatformShim.mainFilename = fileURLToPath(new URL("../package.json", import.meta.url));
  return yargsBuild;
}
let yargsBuild: YargsBuild | undefined;

/** Help is laid out for the terminal, but never narrower than this: below it, words would be cut. */
const MIN_HELP_WIDTH = 60;
const MAX_HELP_WIDTH = 100;

/** The terminal's width: the TTY's, else `$COLUMNS` (when help is piped, e.g. into less), else the maximum. */
function helpWidth(): number {
  const fromEnv = Number.parseInt(process.env["COLUMNS"] ?? "", 10);
  const columns = process.stdout.columns ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : MAX_HELP_WIDTH);
  return Math.max(MIN_HELP_WIDTH, Math.min(MAX_HELP_WIDTH, columns));
}

/** A bad command line: reported in one line, exit 2, and no command runs. */
class UsageError extends Error {}

/** Every command, in the order help lists them. */
const COMMANDS = [validateCommand, compileCommand, explainCommand, verifyCommand, diffCommand, caCommand, schemaCommand, initCommand] as const;

/** Commands with subcommands, for "did you mean" on the second word (`ca shwo`). */
const SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = { ca: ["init", "show", "rotate", "regenerate"] };

/** yargs' own completion command (bash and zsh scripts; yargs `completion()`). */
const COMPLETION = "completion";

/** The name a command is typed as: the first word of its `command` string. */
function commandName(command: { command?: string | readonly string[] | undefined }): string {
  const spec = Array.isArray(command.command) ? String(command.command[0]) : String(command.command ?? "");
  return spec.split(" ")[0] ?? "";
}

/** The command (and `ca` subcommand) a usage error is about, for the help to point at: "compile ", "ca rotate ". */
function helpTopic(argv: readonly string[], names: readonly string[]): string {
  const [first, second] = argv;
  if (first === undefined || !names.includes(first)) return "";
  return second !== undefined && SUBCOMMANDS[first]?.includes(second) ? `${first} ${second} ` : `${first} `;
}

/** Parse the command line and run one command; the only place that sets the exit code. */
export async function main(args: string[]): Promise<void> {
  // `mesh-security help [command]` is what many type for `[command] --help`.
  const argv = args[0] === "help" ? [...args.slice(1), "--help"] : args;
  const names = [...COMMANDS.map(commandName), COMPLETION];
  try {
    const [first, second] = argv;
    if (first !== undefined && !first.startsWith("-") && !names.includes(first) && !first.startsWith("--get-yargs-completions")) {
      const close = suggest(first, names);
      throw new UsageError(`unknown command ${JSON.stringify(first)}${close ? `; did you mean ${close}?` : `; commands: ${names.join(", ")}`}`);
    }
    const subcommands = first === undefined ? undefined : SUBCOMMANDS[first];
    if (subcommands && second !== undefined && !second.startsWith("-") && !subcommands.includes(second)) {
      const close = suggest(second, subcommands);
      throw new UsageError(`unknown command "${first} ${second}"${close ? `; did you mean ${first} ${close}?` : `; ${first} commands: ${subcommands.join(", ")}`}`);
    }
    let cli = loadYargs().Yargs(argv).scriptName("mesh-security");
    for (const command of COMMANDS) cli = cli.command(withExamples(command as CommandModule, commandName(command)));
    await cli
      .completion(COMPLETION, "print a shell completion script for bash or zsh (e.g. mesh-security completion >> ~/.bashrc)")
      .demandCommand(1, "give a command")
      .strict()
      .version(version())
      .help()
      .alias("h", "help")
      .example("$0 completion >> ~/.bashrc", "complete commands and options in bash (zsh: >> ~/.zshrc)")
      .wrap(helpWidth())
      .fail((message, error) => {
        if (error && !message) throw error;
        throw new UsageError(message ?? String(error));
      })
      .parseAsync();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\nrun mesh-security ${helpTopic(argv, names)}--help for usage\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    // Bad input never gets here (stages return diagnostics); this is a bug, so say so plainly.
    process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\nplease report this with the policy that caused it\n`);
    process.exitCode = EXIT.io;
  }
}

/** Run the command line of this process (bin/mesh-security.js, through src/start.cts). */
export function run(): Promise<void> {
  return main(loadYargs().processArgv.hideBin(process.argv));
}
