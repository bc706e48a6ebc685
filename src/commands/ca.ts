import { readFile, rename, writeFile } from "node:fs/promises";
import type { Argv, CommandModule } from "yargs";
import { isMap, isNode, isScalar, parseDocument } from "yaml";
import type { Document } from "yaml";
import type { CertificateInfo } from "../ca/inspect.js";
import { changedFields, deriveRecord } from "../ca/generation-record.js";
import type { ChangedField } from "../ca/generation-record.js";
import { readAuthority, removeAuthority, writeRecord } from "../ca/state.js";
import { specOf } from "../material/load-material.js";
import { compilePolicy, defaultStateDir } from "../compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/model.js";
import { EXIT, printDiagnostics } from "./common.js";
import type { PolicyArgs } from "./common.js";

interface CaArgs extends PolicyArgs {
  action: "init" | "show" | "rotate" | "regenerate";
  authority?: string;
  stateDir?: string;
  yes: boolean;
}

/** `mesh-security ca init|show|rotate`: the lifecycle of generated CA material. */
export const caCommand: CommandModule<object, CaArgs> = {
  command: "ca <action> [authority]",
  describe: "CA material: init (generate what the policy asks for), show, rotate <authority>, regenerate <authority> --yes",
  builder: (yargs: Argv) =>
    yargs
      .positional("action", { choices: ["init", "show", "rotate", "regenerate"] as const, describe: "what to do" })
      .positional("authority", { type: "string", describe: "the authority to rotate or regenerate" })
      .option("yes", { type: "boolean", default: false, describe: "confirm `regenerate`: the stored CA and its keys are deleted" })
      .option("format", { choices: ["text", "json", "github"] as const, default: "text" as const, describe: "output format" })
      .option("policy", { alias: "p", type: "string", default: "mesh-security.yaml", describe: "the policy file" })
      .option("state-dir", { type: "string", describe: "CA state directory (default: .mesh-security next to the policy)" })
      .check((argv) => {
        if (argv.action === "rotate" && !argv.authority) throw new Error("ca rotate needs the authority to rotate");
        if (argv.action === "regenerate" && !argv.authority) throw new Error("ca regenerate needs the authority to regenerate");
        if (argv.action === "regenerate" && !argv.yes) {
          throw new Error("ca regenerate deletes the stored CA and its private keys and issues a new one: everything that trusts the old root stops trusting what the new one signs. Use it only for a CA nothing trusts yet, and confirm with --yes; otherwise phase in a new CA with `ca rotate`");
        }
        if (argv.yes && argv.action !== "regenerate") throw new Error("--yes only confirms `ca regenerate`");
        return true;
      }) as unknown as Argv<CaArgs>,
  handler: async (argv) => {
    process.exitCode = await runCa(argv);
  },
};

async function runCa(argv: CaArgs): Promise<number> {
  const stateDir = argv.stateDir ?? defaultStateDir(argv.policy);
  if (argv.action === "regenerate") return regenerate(argv, stateDir);
  // init generates what is missing; show and rotate only read.
  // show reads the certificates itself and never the keys ("ignore": no MS3006, no MS2303 for a clone).
  const result = await compilePolicy({ policyFile: argv.policy, stateDir, missingMaterial: argv.action === "show" ? "ignore" : "generate" });
  // Drift of the authority being rotated is what a rotation resolves (MS3007 points here).
  const rotated = argv.action === "rotate" ? argv.authority : undefined;
  const diagnostics = result.diagnostics.filter((d) => !(d.code === "MS3007" && rotated !== undefined && d.path[1] === rotated));
  printDiagnostics(diagnostics, argv.format, result.text);
  if (hasErrors(diagnostics) || !result.model) return EXIT.policyErrors;
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
  if (argv.action === "show") return show(model, stateDir, argv.format === "json");
  return rotate(model, argv.policy, stateDir, argv.authority ?? "");
}

async function show(model: Model, stateDir: string, json: boolean): Promise<number> {
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
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
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
    printDiagnostics(before.diagnostics, argv.format, before.text);
    return EXIT.policyErrors;
  }
  if (!authority || authority.source.type !== "generate") {
    process.stderr.write(`error: ${authority ? `authority ${name} is not generated by mesh-security (${authority.source.type})` : `authority ${name} is not declared in ${argv.policy}`}\n`);
    return EXIT.usage;
  }
  await removeAuthority(stateDir, name);
  const after = await compilePolicy({ policyFile: argv.policy, stateDir, missingMaterial: "generate" });
  printDiagnostics(after.diagnostics, argv.format, after.text);
  if (hasErrors(after.diagnostics)) return EXIT.policyErrors;
  process.stderr.write(`authority ${name}: regenerated in ${stateDir} from the policy's parameters; commit authorities/${name}/ and recompile\n`);
  return EXIT.ok;
}

/** Phase after each phase, and what the operator waits for before the next one. */
const NEXT_PHASE = { "trust-both": "issue-new", "issue-new": "drop-old" } as const;
const WAIT_FOR: Record<string, string> = {
  "trust-both": "every trust bundle and mesh root now carries both roots; wait until all clients (Knative components, workloads, the mesh) have reloaded them before the next step",
  "issue-new": "issuers now sign with the new CA; wait until cert-manager has renewed every certificate (or force renewal with `cmctl renew --all`) and the mesh has rotated workload certificates",
  "drop-old": "bundles carry only the new root; after a grace period run `ca rotate` once more to finish: references move to the new authority and the old one is removed from the policy",
};

/**
 * Move a rotation one step, editing the policy in place (comments are kept):
 * none → trust-both (a new authority `<name>-<year>` is declared and generated) → issue-new →
 * drop-old → done (references renamed to the new authority, old one and `rotation` removed).
 */
async function rotate(model: Model, policyFile: string, stateDir: string, name: string): Promise<number> {
  const authority = model.authorities.find((a) => a.name === name);
  if (!authority) {
    process.stderr.write(`error: authority ${name} is not declared in ${policyFile}\n`);
    return EXIT.usage;
  }
  const text = await readFile(policyFile, "utf8");
  const doc = parseDocument(text);
  const rotation = model.rotation;
  let message: string;
  if (!rotation) {
    if (authority.source.type !== "generate") {
      process.stderr.write(`error: only generated authorities can be rotated by the compiler; ${name} is ${authority.source.type}\n`);
      return EXIT.usage;
    }
    const next = nextName(model, name, new Date());
    const original = doc.getIn(["authorities", name], true);
    doc.setIn(["authorities", next], isNode(original) ? original.clone() : original);
    // Edited parameters go to the new authority; the old block goes back to what its CA was made with.
    for (const change of await storedChanges(stateDir, authority)) doc.setIn(["authorities", name, "generate", change.field], change.stored);
    // Two roots with one subject confuse people and some chain builders: name the new one apart.
    const subject = authority.source.subject;
    const suffix = next.slice(name.length + 1);
    doc.setIn(["authorities", next, "generate", "subject"], subject.replace(/(CN=)((?:\\,|[^,])+)/, (_m, cn: string, value: string) => `${cn}${value} ${suffix}`));
    doc.set("rotation", doc.createNode({ authority: name, next, phase: "trust-both" }));
    message = `rotation of ${name} started: new authority ${next}, phase trust-both\n${WAIT_FOR["trust-both"]}`;
  } else if (rotation.authority !== name) {
    process.stderr.write(`error: a rotation of ${rotation.authority} is in progress; finish it first\n`);
    return EXIT.usage;
  } else if (rotation.phase in NEXT_PHASE) {
    const phase = NEXT_PHASE[rotation.phase as keyof typeof NEXT_PHASE];
    doc.setIn(["rotation", "phase"], phase);
    message = `rotation of ${name}: phase ${phase}\n${WAIT_FOR[phase] ?? ""}`;
  } else {
    finishRotation(doc, name, rotation.next);
    message = `rotation of ${name} finished: references now name ${rotation.next}; ${name} and the rotation section were removed (its material stays in ${stateDir} until you delete it)`;
  }
  const temp = `${policyFile}.mesh-security-tmp`;
  await writeFile(temp, doc.toString({ lineWidth: 0 }));
  await rename(temp, policyFile);
  // Generate the new authority's material now, so the next compile only reuses it.
  const after = await compilePolicy({ policyFile, stateDir, missingMaterial: "generate" });
  printDiagnostics(after.diagnostics, "text", after.text);
  process.stderr.write(`${message}\nrecompile and commit the output: mesh-security compile -o <dir>\n`);
  return hasErrors(after.diagnostics) ? EXIT.policyErrors : EXIT.ok;
}

/** The fields in which the policy differs from the authority's stored CA (none when nothing is stored). */
async function storedChanges(stateDir: string, authority: Model["authorities"][number]): Promise<ChangedField[]> {
  if (authority.source.type !== "generate") return [];
  const stored = await readAuthority(stateDir, authority.name, { withKeys: false });
  if (stored.status !== "ok") return [];
  const { describeCertificate } = await import("../ca/inspect.js");
  const m = stored.material;
  const record = m.record ?? deriveRecord(describeCertificate(m.rootCertPem, new Date()), m.intermediate ? describeCertificate(m.caCertPem, new Date()) : undefined);
  const defaulted = !authority.source.intermediateValidityDaysSet;
  return changedFields(record, specOf(authority)).filter((c) => !(c.field === "intermediateValidityDays" && defaulted));
}

function nextName(model: Model, name: string, now: Date): string {
  const taken = new Set(model.authorities.map((a) => a.name));
  const base = `${name.replace(/-\d{4}(-\d+)?$/, "")}-${now.getUTCFullYear()}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Rename every reference from `old` to `next`, then drop `old` and the rotation section. */
function finishRotation(doc: Document, old: string, next: string): void {
  const issuers = doc.get("issuers");
  if (isMap(issuers)) {
    for (const pair of issuers.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      if (doc.getIn(["issuers", key, "ca", "authority"]) === old) doc.setIn(["issuers", key, "ca", "authority"], next);
    }
  }
  if (doc.getIn(["platform", "serviceMesh", "certificateAuthority"]) === old) doc.setIn(["platform", "serviceMesh", "certificateAuthority"], next);
  const bundle = doc.getIn(["knative", "trustBundle", "authorities"]);
  if (bundle && typeof bundle === "object" && "items" in bundle) {
    const items = (bundle as { items: unknown[] }).items;
    items.forEach((item, index) => {
      if (isScalar(item) && item.value === old) doc.setIn(["knative", "trustBundle", "authorities", index], next);
    });
  }
  doc.deleteIn(["authorities", old]);
  doc.delete("rotation");
}
