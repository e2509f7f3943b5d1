/** Profiles: one streaming pass over a dataset keeps what the drift statistics need (see model.ts). */
export { ColumnAccumulator, CATEGORY_LIMIT, NUMERIC_DISTINCT_LIMIT } from './accumulator';
export {
  chooseColumns,
  profileBoth,
  profileDataset,
  type ProfileBothOptions,
  type ProfileOptions,
  type ProfilePair,
} from './profile';
export { loadProfile, PROFILE_SCHEMA_VERSION, saveProfile } from './saved';
export { isProfileWorker } from './worker';
export { mergeProfiles, ProfileMergeError, type MergeOptions } from './merge';
export { countFileRows, countRows } from './row-count';
export { defaultFileKeys, profileFiles, type ProfileJob } from './profile-files';
