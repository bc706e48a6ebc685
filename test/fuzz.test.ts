import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileText } from "./helpers/policy.js";
import { mutate, prng, seedPolicies } from "./helpers/fuzz.js";

// A short seeded run on every `npm test`; `npm run fuzz` runs a long one.
const ITERATIONS = Number(process.env["FUZZ_ITERATIONS"] ?? 150);
const SEED = Number(process.env["FUZZ_SEED"] ?? 20261123);

test(`fuzz: ${ITERATIONS} mutated policies end in diagnostics or output, never an exception`, async () => {
  const random = prng(SEED);
  const seeds = seedPolicies();
  for (let i = 0; i < ITERATIONS; i++) {
    let text = seeds[i % seeds.length] ?? "";
    const rounds = 1 + Math.floor(random() * 3);
    for (let r = 0; r < rounds; r++) text = mutate(text, random);
    let result;
    try {
      result = await compileText(text);
    } catch (error) {
      assert.unreachable(`iteration ${i} (seed ${SEED}) threw ${String(error)}\n--- policy ---\n${text.slice(0, 2000)}`);
      return;
    }
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) assert.not.ok(result.tree, `iteration ${i}: errors but output`);
    else assert.ok(result.tree, `iteration ${i}: no errors and no output`);
    for (const d of result.diagnostics) {
      assert.ok(/^MS\d{4}$/.test(d.code), `iteration ${i}: bad code ${d.code}`);
      assert.ok(d.range === undefined || (d.range.start.line >= 1 && d.range.start.column >= 1), `iteration ${i}: bad range`);
    }
  }
});

test.run();
