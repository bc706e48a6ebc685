// Loaded with `node --import` into every benchmarked process (compile, floor, cdk8s alike): at exit it
// writes the process's peak RSS (KiB) and CPU time (user + system, µs, all threads) to $BENCH_RSS_FILE,
// which a parent process cannot read itself.
import { writeFileSync } from "node:fs";

const file = process.env["BENCH_RSS_FILE"];
if (file) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, cpuUs: usage.userCPUTime + usage.systemCPUTime }));
  });
}
