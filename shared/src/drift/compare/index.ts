/**
 * Comparing one feature's baseline profile with its current profile, and judging the dataset.
 * The readers produce ColumnProfiles; the report and the step consume FeatureComparisons.
 */
export { compareFeature, MIN_VALUES, type CompareOptions } from './compare-feature';
export { inferFeatureType, type InferredType } from './infer';
export { judgeDataset, type DatasetVerdict } from './judge';
