/** Readers: resolve a data input to files, and stream them column by column into a ColumnSink. */
export { readColumnNames, readDataset, type ReadOptions, type UndecodableText } from './dataset';
export { formatOf, matchGlob, PROFILE_KIND, resolveDataSpec, type DataSource } from './resolve';
export type { ColumnSink, DataFile, DataFormat } from './sink';
