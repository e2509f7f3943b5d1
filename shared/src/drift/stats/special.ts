/**
 * Special functions the drift statistics need: log-gamma, the regularized incomplete gamma functions (chi-squared
 * survival function) and the normal survival function, to about 1e-13 relative over the range the tests use.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Exact log(k!) for small k; the tail uses Stirling's series. */
const LOG_FACTORIAL_TABLE: Float64Array = (() => {
  const table = new Float64Array(257);
  for (let k = 2; k <= 256; k++) table[k] = table[k - 1]! + Math.log(k);
  return table;
})();

/** log(Gamma(x)) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (Number.isInteger(x) && x <= 257) return LOG_FACTORIAL_TABLE[x - 1]!;
  if (x >= 15) {
    // Stirling's series; the error of the truncation is below 1e-17 relative for x >= 15.
    const r = 1 / x;
    const r2 = r * r;
    const series =
      r *
      (1 / 12 -
        r2 *
          (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - r2 * (691 / 360360 - r2 / 156))))));
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series;
  }
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** log(k!) for a non-negative integer k. */
export function logFactorial(k: number): number {
  return k <= 256 ? LOG_FACTORIAL_TABLE[k]! : logGamma(k + 1);
}

const EPS = 1e-16;
const TINY = 1e-300;

/** x^a e^-x / Gamma(a), in log space. */
function logGammaPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - logGamma(a);
}

/** Series for the lower regularized incomplete gamma P(a, x); converges fast for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 10000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logGammaPrefactor(a, x));
}

/** Continued fraction (modified Lentz) for the upper regularized incomplete gamma Q(a, x), x >= a + 1. */
function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logGammaPrefactor(a, x)) * h;
}

/** Upper regularized incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a). */
export function gammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - lowerSeries(a, x);
  return upperContinuedFraction(a, x);
}

/** Lower regularized incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  if (x < a + 1) return lowerSeries(a, x);
  return 1 - upperContinuedFraction(a, x);
}

/** Survival function of the chi-squared distribution (scipy.stats.chi2.sf); NaN for dof <= 0 as scipy. */
export function chi2Sf(x: number, dof: number): number {
  if (!(dof > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (dof === 2) return Math.exp(-x / 2);
  return gammaQ(dof / 2, x / 2);
}

/** Complementary error function: erfc(x) = Q(1/2, x^2) for x >= 0, keeping relative precision in the tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  return gammaQ(0.5, x * x);
}

/** Survival function of the standard normal distribution, 1 - Phi(z), accurate in the far tail. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}
