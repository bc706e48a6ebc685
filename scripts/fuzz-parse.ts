// The differential fuzz of the fast policy reader (src/load/fast-parse.ts) against yaml, at scale:
//   npm run fuzz:parse                       100,000 generated documents, seed 1
//   npm run fuzz:parse -- 5000000 7          five million, seed 7
// Each document is in the reader's YAML subset or one mutation outside it. The reader must either
// decline it or give exactly yaml's data and node locations. Prints the counts; exits 1 on the first
// difference, with the document.
import { prng } from "../test/helpers/fuzz.js";
import { check, generate } from "../test/helpers/parse-differential.js";

const total = Number(process.argv[2] ?? process.env.FUZZ_PARSE_ITERATIONS ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
if (!Number.isSafeInteger(total) || total < 1 || !Number.isSafeInteger(seed)) {
  console.error("usage: npm run fuzz:parse -- [count] [seed]");
  process.exit(2);
}
const rand = prng(seed);
const counts = { accepted: 0, declined: 0 };
const started = Date.now();
for (let i = 1; i <= total; i++) {
  const text = generate(rand);
  const outcome = check(text);
  if (outcome !== "accepted" && outcome !== "declined") {
    console.error(`document ${i} (seed ${seed}): ${outcome}\n--- text ---\n${text}`);
    console.error(`after ${i - 1}: accepted ${counts.accepted}, declined ${counts.declined}`);
    process.exit(1);
  }
  counts[outcome]++;
  if (i % 100_000 === 0) console.log(`${i}: accepted ${counts.accepted}, declined ${counts.declined} (${Math.round((Date.now() - started) / 1000)} s)`);
}
console.log(`fuzz:parse seed ${seed}: ${total} documents, accepted ${counts.accepted} (equal to yaml), declined ${counts.declined}, differences 0, ${((Date.now() - started) / 1000).toFixed(1)} s`);
