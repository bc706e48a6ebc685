import type { Argv, CommandModule } from "yargs";
import type { CertificateInfo } from "../ca/inspect.js";
import { readAuthority } from "../ca/state.js";
import { compilePolicy, defaultStateDir } from "../compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/model.js";
import { rotateAuthority } from "./ca-rotate.js";
import { EXIT, printDiagnostics, printJsonReport } from "./common.js";
import type { PolicyArgs } from "./common.js";

interface CaArgs extends PolicyArgs {
  action: "init" | "show" | "rotate";
  authority?: string;
  stateDir?: string;
  next?: string;
  subject?: string;
  allowUnsafeRotation: boolean;
}

/** `mesh-security ca init|show|rotate`: the lifecycle of generated CA material. */
export const caCommand: CommandModule<object, CaArgs> = {
  command: "ca <action> [authority]",
  describe: "CA material: init (generate what the policy asks for), show, rotate <authority>",
  builder: (yargs: Argv) =>
    yargs
      .positional("action", { choices: ["init", "show", "rotate"] as const, describe: "what to do" })
      .positional("authority", { type: "string", describe: "the authority to rotate" })
      .option("format", { choices: ["text", "json", "github"] as const, default: "text" as const, describe: "output format" })
      .option("policy", { alias: "p", type: "string", default: "mesh-security.yaml", describe: "the policy file" })
      .option("state-dir", { type: "string", describe: "CA state directory (default: .mesh-security next to the policy)" })
      .option("next", { type: "string", describe: "rotate: the new authority's name (default <name>-<year>, then -2, -3 ...)" })
      .option("subject", { type: "string", describe: "rotate: the new authority's subject (default: the old one with the new name's suffix)" })
      .option("allow-unsafe-rotation", { type: "boolean", default: false, describe: "rotate: move on although the current phase was never compiled (docs/rotation.md)" })
      .check((argv) => {
        if (argv.action === "rotate" && !argv.authority) throw new Error("ca rotate needs the authority to rotate");
        return true;
      }) as unknown as Argv<CaArgs>,
  handler: async (argv) => {
    process.exitCode = await runCa(argv);
  },
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
  // init generates what is missing; show only reads.
  const result = await compilePolicy({ policyFile: argv.policy, stateDir, missingMaterial: argv.action === "show" ? "report" : "generate" });
  // `ca show --format json` prints one document: its report with the diagnostics inside.
  const report = argv.action === "show" && argv.format === "json";
  if (!report) printDiagnostics(result.diagnostics, argv.format, result.text);
  if (hasErrors(result.diagnostics) || !result.model) {
    if (report) printJsonReport(result.diagnostics, result.text, { authorities: [] });
    return EXIT.policyErrors;
  }
  const model = result.model;
  if (argv.action === "init") {
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
    report.push({ authority: authority.name, kind: "generate", certificates });
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
    for (const c of (entry["certificates"] as CertificateInfo[] | undefined) ?? []) {
      out += `  ${c.isCA ? "CA" : "certificate"} ${c.subject}\n    issuer      ${c.issuer}\n    serial      ${c.serial}\n    sha256      ${c.sha256Fingerprint}\n    not before  ${c.notBefore}\n    not after   ${c.notAfter} (${c.daysLeft} days left)\n    key         ${c.keyAlgorithm}\n`;
    }
  }
  process.stdout.write(out);
  return EXIT.ok;
}
