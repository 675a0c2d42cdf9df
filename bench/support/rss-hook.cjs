// Preloaded into every Node process of a measured command (NODE_OPTIONS=--require): on exit each
// appends its peak resident memory (KiB) and the CPU time it used (user + system, microseconds), so
// the benchmark sees the largest process a command ran and the CPU all of them spent.
const { appendFileSync } = require('node:fs');
process.on('exit', () => {
  if (!process.env.FM_BENCH_RSS_FILE) return;
  const usage = process.resourceUsage();
  appendFileSync(process.env.FM_BENCH_RSS_FILE, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}\n`);
});
