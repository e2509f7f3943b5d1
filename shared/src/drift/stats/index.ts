/** Pure drift statistics on sorted samples and count vectors, each with scipy's (or the named tool's) semantics. */
export {
  binLabels,
  histogramSorted,
  quantileEdges,
  sturgesCombinedEdges,
  sturgesSmallerEdges,
} from './binning';
export { chi2Contingency, chiSquareGoodnessOfFit, type Chi2Result } from './chi2';
export { jensenShannonDistance } from './jensen-shannon';
export { kstwoSf, smirnovSf } from './kolmogorov';
export { KS_MAX_AUTO_N, ks2samp, ksStatistic, type KsMode, type KsResult } from './ks';
export { evidentlyFillZeroes, psiEpsilon, psiEvidently, psiFromProportions, psiLaplace } from './psi';
export {
  countAtMost,
  countBelow,
  distinctCountSorted,
  moments,
  quantileSorted,
  SortBuffers,
  sortedCopy,
} from './sorted';
export { chi2Sf, erfc, gammaP, gammaQ, logFactorial, logGamma, normalSf } from './special';
export { wasserstein1, wasserstein1Weighted } from './wasserstein';
export { twoProportionZTest, type ZTestResult } from './z-test';
