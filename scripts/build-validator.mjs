// Build step (npm run build): precompile the policy schema into a standalone validator so the CLI
// does not compile the schema on every start (about 100 ms of a cold start). Same options as
// src/validate/schema-check.ts; src falls back to compiling when this file is absent (tests).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const Ajv = require("ajv").default;
const addFormats = require("ajv-formats").default;
const standaloneCode = require("ajv/dist/standalone").default;
const { _ } = require("ajv/dist/compile/codegen");

const schema = JSON.parse(readFileSync(new URL("../schemas/mesh-security.schema.json", import.meta.url), "utf8"));
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictRequired: false,
  useDefaults: true,
  allowUnionTypes: true,
  verbose: true,
  code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
});
addFormats(ajv, ["email", "uri", "hostname"]);
const validate = ajv.compile(schema);
mkdirSync(new URL("../dist/validate/", import.meta.url), { recursive: true });
writeFileSync(new URL("../dist/validate/policy-validator.cjs", import.meta.url), standaloneCode(ajv, validate));
