/**
 * Row and prediction counting for the request and answer shapes scoring scripts use in practice
 * (Azure ML inference server, MLflow scoring server, TensorFlow Serving style).
 */

/** Where the rows of a request were found and how many there are. */
export interface RowCount {
  readonly rows: number;
  readonly where: string;
}

/** How many rows a request holds, or undefined when its shape does not say. */
export function countRequestRows(request: unknown): RowCount | undefined {
  if (Array.isArray(request)) return rowsOfArray(request, '$');
  if (!isObject(request)) return undefined;
  for (const key of ['input_data', 'data', 'inputs', 'instances', 'dataframe_split', 'dataframe_records']) {
    if (!(key in request)) continue;
    const count = rowsOf(request[key], `$.${key}`);
    if (count) return count;
  }
  return undefined;
}

function rowsOf(value: unknown, where: string): RowCount | undefined {
  if (Array.isArray(value)) return rowsOfArray(value, where);
  if (!isObject(value)) return undefined;
  // pandas split orient: {columns, index, data}.
  if (Array.isArray(value.data)) return rowsOfArray(value.data, `${where}.data`);
  // Column dictionary: {column: [values...]} (or pandas dict orient {column: {index: value}}); columns agree on length.
  const columns = Object.values(value);
  if (columns.length === 0) return undefined;
  const lengths = columns.map((column) =>
    Array.isArray(column) ? column.length : isObject(column) ? Object.keys(column).length : undefined,
  );
  const first = lengths[0];
  if (first === undefined || lengths.some((length) => length !== first)) return undefined;
  return { rows: first, where: `${where} (columns)` };
}

function rowsOfArray(value: unknown[], where: string): RowCount | undefined {
  // An array of scalars is one feature vector more often than several one-feature rows: too ambiguous to count.
  if (value.length > 0 && value.every((item) => !Array.isArray(item) && !isObject(item))) return undefined;
  return { rows: value.length, where };
}

/** A parsed answer body; `doubleEncoded` when the body was a JSON string holding JSON (`json.dumps` in run()). */
export type DecodedAnswer =
  | { readonly ok: true; readonly value: unknown; readonly doubleEncoded: boolean }
  | { readonly ok: false; readonly error: string };

/** Parses an answer body, decoding a JSON string that holds JSON once. */
export function decodeAnswer(body: string): DecodedAnswer {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  if (typeof value === 'string') {
    const inner = value.trim();
    if (inner.startsWith('[') || inner.startsWith('{')) {
      try {
        return { ok: true, value: JSON.parse(inner), doubleEncoded: true };
      } catch {
        // A plain string answer that merely starts with a bracket: keep it as the string it is.
      }
    }
  }
  return { ok: true, value, doubleEncoded: false };
}

const PREDICTION_KEYS = ['predictions', 'result', 'results', 'outputs', 'output'];

/** How many predictions an answer holds, or undefined when it has no recognisable prediction list. */
export function countPredictions(answer: unknown): RowCount | undefined {
  if (Array.isArray(answer)) return { rows: answer.length, where: '$' };
  if (!isObject(answer)) return undefined;
  for (const key of PREDICTION_KEYS) {
    const value = answer[key];
    if (Array.isArray(value)) return { rows: value.length, where: `$.${key}` };
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
