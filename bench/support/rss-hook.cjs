// Preloaded into every Node process of a measured command (NODE_OPTIONS=--require): on exit each
// appends its peak resident memory, so the benchmark sees the largest process a command ran.
const { appendFileSync } = require('node:fs');
process.on('exit', () => {
  if (process.env.FM_BENCH_RSS_FILE) appendFileSync(process.env.FM_BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
