/**
 * `data_collector` of a managed online deployment (model data collection) as the CLI takes it: `collections` (by
 * name: `model_inputs`, `model_outputs`, `request`, `response` or any other) each with `enabled`, `data` (the data
 * asset the collected data goes to: `{name, version, path}` or `azureml:<name>:<version>`), `client_id` and
 * `sampling_rate`; `sampling_rate`, `rolling_rate` and `request_logging.capture_headers` for all of them. Sent as
 * `properties.dataCollector` (Machine Learning REST 2025-12-01: DataCollector, Collection, RequestLogging). The
 * preview shape of azure-ai-ml 1.4 (`enabled`, `destination`, `sampling_strategy`) has no REST field: warned.
 */
import { boolean, entries, fields, number, oneOf, text, textLike, type Node } from '../../../yaml/read-node';

/** Where one collection's data goes: a data asset registered as the CLI does (defaults filled in later). */
export interface CollectionData {
  readonly name?: string;
  readonly version?: string;
  readonly path?: string;
  /** `azureml:<name>:<version>`: an existing data asset, used as it is. */
  readonly asset?: { readonly name: string; readonly version: string };
}

export interface CollectionSpec {
  readonly enabled: boolean;
  readonly data?: CollectionData;
  readonly clientId?: string;
  readonly samplingRate?: number;
}

export interface DataCollectorSpec {
  readonly collections: Readonly<Record<string, CollectionSpec>>;
  readonly samplingRate?: number;
  readonly rollingRate?: 'Year' | 'Month' | 'Day' | 'Hour' | 'Minute';
  readonly captureHeaders?: readonly string[];
}

const PREVIEW_KEYS = ['enabled', 'destination', 'sampling_strategy'] as const;
const RATES = ['year', 'month', 'day', 'hour', 'minute'] as const;

/** Reads `data_collector`; undefined when absent or wrong (the problems are recorded on the node). */
export function readDataCollector(node: Node): DataCollectorSpec | undefined {
  if (!node.present) return undefined;
  const keys = ['collections', 'sampling_rate', 'rolling_rate', 'request_logging', ...PREVIEW_KEYS];
  if (!fields(node, { what: 'the data collector', keys })) return undefined;
  for (const key of PREVIEW_KEYS)
    if (node.child(key).present)
      node.problems.warn(
        node.document,
        [...node.path, key],
        `'${node.child(key).label}' is not sent: it is the preview shape of azure-ai-ml 1.4, which no Azure ML API version takes; write 'collections' (model_inputs, model_outputs, request, response) instead`,
      );
  const samplingRate = rate(node.child('sampling_rate'));
  const rolling = oneOf(node.child('rolling_rate'), RATES);
  const captureHeaders = readCaptureHeaders(node.child('request_logging'));
  const collections: Record<string, CollectionSpec> = {};
  for (const entry of entries(node.child('collections'), 'a mapping of collection names')) {
    const collection = readCollection(entry);
    if (collection) collections[entry.key] = collection;
  }
  return {
    collections,
    ...(samplingRate !== undefined ? { samplingRate } : {}),
    ...(rolling ? { rollingRate: (rolling[0]!.toUpperCase() + rolling.slice(1)) as 'Hour' } : {}),
    ...(captureHeaders ? { captureHeaders } : {}),
  };
}

function readCollection(node: Node): CollectionSpec | undefined {
  if (
    !fields(node, {
      what: `the collection '${node.key}'`,
      keys: ['enabled', 'data', 'client_id', 'sampling_rate'],
    })
  )
    return undefined;
  // The CLI's schema takes `enabled` as a boolean or its text ('true', 'false'), as its examples write it.
  const enabledNode = node.child('enabled');
  const enabled =
    typeof enabledNode.value === 'string' && /^(true|false)$/i.test(enabledNode.value.trim())
      ? enabledNode.value.trim().toLowerCase() === 'true'
      : boolean(enabledNode);
  const data = readData(node.child('data'));
  const clientId = text(node.child('client_id'), 'the client id of a user-assigned identity');
  const samplingRate = rate(node.child('sampling_rate'));
  return {
    enabled: enabled ?? false,
    ...(data ? { data } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(samplingRate !== undefined ? { samplingRate } : {}),
  };
}

function readData(node: Node): CollectionData | undefined {
  if (!node.present) return undefined;
  if (typeof node.value === 'string') {
    const match = /^azureml:([^:@/]+):([^:@/]+)$/i.exec(node.value.trim());
    if (!match) {
      node.expected('a data asset azureml:<name>:<version>, or {name, version, path}');
      return undefined;
    }
    return { asset: { name: match[1]!, version: match[2]! } };
  }
  if (!fields(node, { what: "the collection's data", keys: ['name', 'version', 'path'] })) return undefined;
  const name = text(node.child('name'), 'a data asset name');
  const version = textLike(node.child('version'), 'a version, e.g. 1');
  const path = text(
    node.child('path'),
    'a datastore path, e.g. azureml://datastores/workspaceblobstore/paths/mdc',
  );
  return {
    ...(name !== undefined ? { name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(path !== undefined ? { path } : {}),
  };
}

function readCaptureHeaders(node: Node): string[] | undefined {
  if (!node.present) return undefined;
  if (!fields(node, { what: 'the request logging', keys: ['capture_headers'] })) return undefined;
  const headers = node.child('capture_headers');
  if (!headers.present) return undefined;
  if (!Array.isArray(headers.value)) {
    headers.expected('a list of header names');
    return undefined;
  }
  return headers.value
    .map((_, i) => text(headers.child(i), 'a header name'))
    .filter((header): header is string => header !== undefined);
}

/** A sampling rate: a number from 0 to 1. */
function rate(node: Node): number | undefined {
  const value = number(node, 'a number from 0 to 1');
  if (value !== undefined && (value < 0 || value > 1)) {
    node.error(`'${node.label}' must be a number from 0 to 1, got ${value}`);
    return undefined;
  }
  return value;
}
