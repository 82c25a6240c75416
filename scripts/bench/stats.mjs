// The statistics of `npm run bench`: medians of paired ratios, a percentile-bootstrap 95% interval over rounds
// (rounds are the independent unit: each pairs A and B back to back), and a verdict against a budget.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** mulberry32: a seeded PRNG, so the same samples always give the same interval. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 95% percentile-bootstrap interval of the median of `xs` (resampling rounds with replacement). */
export function medianInterval(xs, resamples = 5_000, seed = 20261128) {
  if (xs.length < 2) return [xs[0], xs[0]];
  const random = prng(seed);
  const medians = [];
  for (let i = 0; i < resamples; i++) {
    const sample = Array.from({ length: xs.length }, () => xs[Math.floor(random() * xs.length)]);
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(resamples * 0.025)], medians[Math.ceil(resamples * 0.975) - 1]];
}

/** `met` when the whole interval clears the budget, `missed` when it lies wholly below, else `inconclusive`. */
export function verdict([low, high], budget) {
  if (budget === undefined) return undefined;
  if (low >= budget) return 'met';
  if (high < budget) return 'missed';
  return 'inconclusive';
}
