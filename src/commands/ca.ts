import type { Argv, CommandModule } from "yargs";
import type { CertificateInfo } from "../ca/inspect.js";
import { readAuthority, removeAuthority, writeRecord } from "../ca/state.js";
import { compilePolicy, defaultStateDir } from "../compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/model.js";
import { rotateAuthority } from "./ca-rotate.js";
import { DEFAULT_POLICY, EXIT, exitCodeOf, printDiagnostics, printJsonReport } from "./common.js";
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
  if (argv.action === "regenerate") return regenerate(argv, stateDir);
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
  if (argv.action === "init") {
    // Migration: material from before generation records gets one, read from its certificates (which
    // the compile above found to agree with the policy, or it would have stopped with MS3007).
    for (const [name, record] of [...(result.unrecorded ?? [])].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await writeRecord(stateDir, name, record);
      process.stderr.write(`authority ${name}: wrote its generation record (authorities/${name}/generation.json); commit it with the certificates\n`);
    }
    for (const authority of model.authorities.filter((a) => a.source.type === "generate")) process.stderr.write(`authority ${authority.name}: ready in ${stateDir}\n`);
    return EXIT.ok;
  }
  return show(model, stateDir, report ? (authorities) => printJsonReport(result.diagnostics, result.text, { authorities }) : undefined);
}

async function show(model: Model, stateDir: string, json: ((authorities: unknown[]) => void) | undefined): Promise<number> {
  const { describeCertificate } = await import("../ca/inspect.js");
  const now = new Date();
  const report: Array<Record<string, unknown>> = [];
  for (const authority of model.authorities) {
    if (authority.source.type !== "generate") {
      report.push({ authority: authority.name, kind: authority.source.type, note: "material lives in the cluster" });
      continue;
    }
    const stored = await readAuthority(stateDir, authority.name, { withKeys: false });
    if (stored.status !== "ok") {
      report.push({ authority: authority.name, kind: "generate", status: stored.status });
      continue;
    }
    const certificates = [describeCertificate(stored.material.rootCertPem, now)];
    if (stored.material.caCertPem !== stored.material.rootCertPem) certificates.push(describeCertificate(stored.material.caCertPem, now));
    report.push({ authority: authority.name, kind: "generate", certificates, ...(stored.material.record ? { generation: stored.material.record } : { generation: "no generation.json (run `ca init` to write it)" }) });
  }
  if (json) {
    json(report);
    return EXIT.ok;
  }
  let out = "";
  for (const entry of report) {
    out += `authority ${String(entry["authority"])} (${String(entry["kind"])})\n`;
    if (entry["note"]) out += `  ${String(entry["note"])}\n`;
    if (entry["status"]) out += `  material: ${String(entry["status"])}\n`;
    const generation = entry["generation"];
    if (typeof generation === "string") out += `  generated from: ${generation}\n`;
    else if (generation) out += `  generated from: ${Object.entries(generation as Record<string, unknown>).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")}\n`;
    for (const c of (entry["certificates"] as CertificateInfo[] | undefined) ?? []) {
      out += `  ${c.isCA ? "CA" : "certificate"} ${c.subject}\n    issuer      ${c.issuer}\n    serial      ${c.serial}\n    sha256      ${c.sha256Fingerprint}\n    not before  ${c.notBefore}\n    not after   ${c.notAfter} (${c.daysLeft} days left)\n    key         ${c.keyAlgorithm}\n`;
    }
  }
  process.stdout.write(out);
  return EXIT.ok;
}

/**
 * `ca regenerate NAME --yes`: delete the stored CA and generate a new one from the policy's current
 * parameters. Destructive by design (the builder demands --yes): for a CA nothing trusts yet, e.g.
 * after changing `intermediate` before the first rollout.
 */
async function regenerate(argv: CaArgs, stateDir: string): Promise<number> {
  const name = argv.authority ?? "";
  const before = await compilePolicy({ policyFile: argv.policy, stateDir, missingMaterial: "ignore" });
  const authority = before.model?.authorities.find((a) => a.name === name);
  if (!before.model) {
    printDiagnostics(before.diagnostics, argv.format, before.sources);
    return exitCodeOf(before.diagnostics) || EXIT.policyErrors;
  }
  if (!authority || authority.source.type !== "generate") {
    process.stderr.write(`error: ${authority ? `authority ${name} is not generated by mesh-security (${authority.source.type})` : `authority ${name} is not declared in ${argv.policy}`}\n`);
    return EXIT.usage;
  }
  await removeAuthority(stateDir, name);
  const after = await compilePolicy({ policyFile: argv.policy, stateDir, missingMaterial: "generate" });
  printDiagnostics(after.diagnostics, argv.format, after.sources);
  if (hasErrors(after.diagnostics)) return EXIT.policyErrors;
  process.stderr.write(`authority ${name}: regenerated in ${stateDir} from the policy's parameters; commit authorities/${name}/ and recompile\n`);
  return EXIT.ok;
}
