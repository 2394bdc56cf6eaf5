// SPDX-License-Identifier: Apache-2.0
// The timing loop every comparison script shares: a warm-up of up to 5 s, then `seconds` of back-to-back calls of
// `verify` (awaited, so a promise-returning library is timed to its answer), and one line with n, mean, min and
// median in microseconds.
export async function time(label, verify, seconds) {
  async function run(ms) {
    const end = performance.now() + ms;
    const times = [];
    while (performance.now() < end) {
      const t = performance.now();
      await verify();
      times.push(performance.now() - t);
    }
    return times;
  }
  await run(Math.min(5000, seconds * 500));
  const times = (await run(seconds * 1000)).sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const us = (x) => (x * 1000).toFixed(0);
  console.log(`${label}: n=${times.length} mean ${us(mean)} us, min ${us(times[0])} us, median ${us(times[times.length >> 1])} us`);
}
