import type { Argv, CommandModule } from "yargs";
import { describeAuthorities, formatAuthorities } from "../ca/show.js";
import { recordAndReport, regenerateAuthority } from "../run/ca-run.js";
import { compilePolicy, defaultStateDir } from "../compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { rotateAuthority } from "./ca-rotate.js";
import { DEFAULT_POLICY, EXIT, exitCodeOf, printDiagnostics, printJsonReport, printRun } from "./common.js";
import type { PolicyArgs } from "./common.js";

interface CaArgs extends PolicyArgs {
  action: "init" | "show" | "rotate" | "regenerate";
  authority?: string;
  stateDir?: string;
  next?: string;
  subject?: string;
  allowUnsafeRotation: boolean;
  yes: boolean;
}

/** What yargs hands a `ca` subcommand: the policy positionally, or with `-p` (kept for older scripts). */
type CaCommandArgs = Omit<CaArgs, "action" | "policy"> & { policy?: string; p?: string };

/** One `ca` subcommand: `[policy]` positional (default ./mesh-security.yaml) or `-p`, the shared options. */
function caSubcommand(action: CaArgs["action"], command: string, describe: string, positionals: (yargs: Argv) => Argv = (y) => y): CommandModule<object, CaCommandArgs> {
  return {
    command,
    describe,
    builder: (yargs: Argv) =>
      positionals(yargs)
        .positional("policy", { type: "string", describe: `the policy file (default: ${DEFAULT_POLICY})` })
        .option("p", { type: "string", describe: "the policy file, as an option (same as [policy])" })
        .option("format", { choices: ["text", "json", "github"] as const, default: "text" as const, describe: "output format" })
        .option("state-dir", { type: "string", describe: "CA state directory (default: .mesh-security next to the policy)" })
        .check((argv) => {
          if (argv["policy"] !== undefined && argv["p"] !== undefined && argv["policy"] !== argv["p"]) throw new Error("give the policy once: as the [policy] argument or with -p");
          return true;
        }) as unknown as Argv<CaCommandArgs>,
    handler: async (argv) => {
      const { p, policy, ...rest } = argv;
      process.exitCode = await runCa({ ...rest, allowUnsafeRotation: rest.allowUnsafeRotation ?? false, yes: rest.yes ?? false, action, policy: policy ?? p ?? DEFAULT_POLICY });
    },
  };
}

/** `mesh-security ca init|show|rotate`: the lifecycle of generated CA material. */
export const caCommand: CommandModule<object, object> = {
  command: "ca",
  describe: "CA material: init (generate what the policy asks for), show, rotate <authority>, regenerate <authority> --yes",
  builder: (yargs: Argv) =>
    yargs
      .command(caSubcommand("init", "init [policy]", "generate the CA material the policy asks for (keeps what exists)"))
      .command(caSubcommand("show", "show [policy]", "show each authority's certificates and how long they are valid"))
      .command(
        caSubcommand("rotate", "rotate <authority> [policy]", "move the rotation of an authority one phase on (edits the policy)", (y) =>
          y
            .positional("authority", { type: "string", demandOption: true, describe: "the authority to rotate" })
            .option("next", { type: "string", describe: "the new authority's name (default <name>-<year>, then -2, -3 ...)" })
            .option("subject", { type: "string", describe: "the new authority's subject (default: the old one with the new name's suffix)" })
            .option("allow-unsafe-rotation", { type: "boolean", default: false, describe: "move on although the current phase was never compiled (docs/rotation.md)" }),
        ),
      )
      .command(
        caSubcommand("regenerate", "regenerate <authority> [policy]", "delete the stored CA and generate it anew from the policy (only for a CA nothing trusts yet; needs --yes)", (y) =>
          y
            .positional("authority", { type: "string", demandOption: true, describe: "the authority to regenerate" })
            .option("yes", { type: "boolean", default: false, describe: "confirm: the stored CA and its keys are deleted" })
            .check((argv) => {
              if (!argv["yes"]) {
                throw new Error(
                  "ca regenerate deletes the stored CA and its private keys and issues a new one: everything that trusts the old root stops trusting what the new one signs. Use it only for a CA nothing trusts yet, and confirm with --yes; otherwise phase in a new CA with `ca rotate`",
                );
              }
              return true;
            }),
        ),
      )
      .demandCommand(1, "give a ca command: init, show, rotate or regenerate"),
  handler: () => undefined,
};

async function runCa(argv: CaArgs): Promise<number> {
  const stateDir = argv.stateDir ?? defaultStateDir(argv.policy);
  if (argv.action === "rotate") {
    return rotateAuthority({
      policyFile: argv.policy,
      stateDir,
      name: argv.authority ?? "",
      ...(argv.next !== undefined ? { next: argv.next } : {}),
      ...(argv.subject !== undefined ? { subject: argv.subject } : {}),
      allowUnsafeRotation: argv.allowUnsafeRotation,
      format: argv.format,
    });
  }
  if (argv.action === "regenerate") return printRun(regenerateAuthority({ policyFile: argv.policy, stateDir, name: argv.authority ?? "", format: argv.format }));
  // init generates what is missing; show reads the certificates itself and never the keys ("ignore": no
  // MS3006, no MS2303 for a clone).
  const result = await compilePolicy({ policyFile: argv.policy, stateDir, missingMaterial: argv.action === "show" ? "ignore" : "generate" });
  // `ca show --format json` prints one document: its report with the diagnostics inside.
  const report = argv.action === "show" && argv.format === "json";
  if (!report) printDiagnostics(result.diagnostics, argv.format, result.sources);
  if (hasErrors(result.diagnostics) || !result.model) {
    if (report) printJsonReport(result.diagnostics, result.text, { authorities: [] });
    return exitCodeOf(result.diagnostics) || EXIT.policyErrors;
  }
  const model = result.model;
  if (argv.action === "init") return printRun(recordAndReport(model, result.unrecorded, stateDir));
  const authorities = await describeAuthorities(model, stateDir, new Date());
  if (report) printJsonReport(result.diagnostics, result.text, { authorities });
  else process.stdout.write(formatAuthorities(authorities));
  return EXIT.ok;
}
