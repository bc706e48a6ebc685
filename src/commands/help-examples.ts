import type { Argv, CommandModule } from "yargs";

/** What each command's help shows under "Examples:" (yargs `.example`): the everyday invocations. */
export const HELP_EXAMPLES: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  validate: [
    ["$0 validate", "check ./mesh-security.yaml; exit 1 on errors"],
    ["$0 validate clusters/prod/mesh-security.yaml --format github", "annotations on the policy lines in a GitHub workflow"],
    ["$0 validate --format sarif > mesh-security.sarif", "SARIF 2.1.0 for code scanning (docs/gitops.md)"],
    ["$0 validate --warnings-as-errors", "fail on warnings too (comments `# mesh-security: ignore CODE -- why` silence one)"],
  ],
  compile: [
    ["$0 compile -o manifests", "write manifests/ (one object per file, kustomization.yaml)"],
    ["$0 compile -o manifests --check --format github", "CI: exit 3 and an annotation per stale file"],
    ["$0 compile --stdout | oc apply -f -", "one multi-document stream"],
    ["$0 compile -o manifests --no-generate", "never generate CA material (an Argo CD plugin, CI)"],
  ],
  explain: [
    ["$0 explain", "per service: what is generated and why, then the paths verify models"],
    ["$0 explain --format json | jq '.subjects[].subject'", "the same as one JSON document (keys: README, explain)"],
  ],
  verify: [
    ["$0 verify manifests", "model router, mesh, cert-manager and Service CA on the output; exit 1 if a path breaks"],
    ["$0 verify manifests --with apps/shop/base", "with the application's own manifests"],
  ],
  schema: [
    ["$0 schema > mesh-security.schema.json", "the JSON Schema, for editors"],
    ["$0 schema -o mesh-security.schema.json", "write (replace) it atomically"],
  ],
  init: [
    ["$0 init", "write ./mesh-security.yaml"],
    ["$0 init clusters/prod/mesh-security.yaml", "creates clusters/prod/ when missing"],
    ["$0 init --stdout", "print it instead"],
  ],
  ca: [
    ["$0 ca init", "generate the CA material ./mesh-security.yaml asks for"],
    ["$0 ca show --format json", "each authority's certificates and expiry, as JSON"],
    ["$0 ca rotate internal", "move the rotation of authority `internal` one phase on (docs/rotation.md)"],
  ],
};

/** The command with its examples appended to its help (the command module itself stays as it is). */
export function withExamples<T, U>(command: CommandModule<T, U>, name: string): CommandModule<T, U> {
  const examples = HELP_EXAMPLES[name] ?? [];
  const builder = command.builder;
  return {
    ...command,
    builder: (yargs: Argv<T>) => {
      const built = (typeof builder === "function" ? builder(yargs) : builder ? yargs.options(builder) : yargs) as Argv<U>;
      return examples.reduce((y, [example, description]) => y.example(example, description), built);
    },
  } as CommandModule<T, U>;
}
