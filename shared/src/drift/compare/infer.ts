/** Feature type inference from a column profile. */
import type { ColumnProfile, FeatureType } from '../model';

/** How a feature's type was decided, and the type. */
export interface InferredType {
  readonly type: FeatureType;
  readonly source: 'inferred' | 'override';
}

/** Integer columns with at most this many distinct values are categorical. */
export const MAX_CATEGORICAL_INTEGER_VALUES = 20;

/**
 * The override wins. Otherwise strings, booleans and dates make a column categorical, as do whole numbers with
 * at most 20 distinct values; other numbers are numeric. A column with no values at all is called numeric
 * unless it has categories (it is skipped either way).
 */
export function inferFeatureType(profile: ColumnProfile, override?: FeatureType): InferredType {
  if (override !== undefined) return { type: override, source: 'override' };
  const kinds = profile.kinds;
  if (kinds.strings > 0 || kinds.booleans > 0 || kinds.dates > 0)
    return { type: 'categorical', source: 'inferred' };
  if (kinds.numbers > 0) {
    const distinct = profile.numeric?.distinct;
    const fewIntegers =
      kinds.integers === kinds.numbers &&
      distinct !== undefined &&
      distinct.size <= MAX_CATEGORICAL_INTEGER_VALUES;
    return { type: fewIntegers ? 'categorical' : 'numeric', source: 'inferred' };
  }
  const hasCategories = profile.categories !== undefined && profile.categories.size > 0;
  return { type: hasCategories ? 'categorical' : 'numeric', source: 'inferred' };
}
