/**
 * Where a job's references point in Azurite: datastore URIs (`azureml://datastores/<d>/paths/<p>`), blob URLs,
 * asset references (`azureml:<name>:<version>`, `azureml:<name>@latest`, ARM ids and `azureml://locations/...`
 * ids of data / model / code versions) and job outputs (`azureml://jobs/<job>/outputs/<output>/paths/<p>`).
 */
import type { ArmEmulator } from '../arm/index';
import { ARTIFACT_DATASTORE } from '../arm/ml-datastores';
import { isObject, type Json } from '../arm/resource';
import type { BlobLocation, BlobStore } from './blob-store';
import { JobFailure } from './job-handle';

export type AssetKind = 'data' | 'models' | 'codes';

const DATASTORE_URI = /^azureml:\/\/(?:.*\/)?datastores\/([^/]+)\/paths\/?(.*)$/i;
const JOB_OUTPUT_URI = /^azureml:\/\/jobs\/([^/]+)\/outputs\/([^/]+)(?:\/paths\/?(.*))?$/i;
const ASSET_ID = /\/(data|models|codes)\/([^/]+)\/versions\/([^/]+)\/?$/i;
const SHORT_ASSET = /^azureml:([^/:@]+)(?::([^/:@]+)|@latest)?$/i;
/** Guards against a data asset pointing at itself through job outputs. */
const MAX_DEPTH = 8;

export class WorkspacePaths {
  constructor(
    private readonly arm: ArmEmulator,
    private readonly blobs: BlobStore,
    readonly workspaceId: string,
  ) {}

  /** A path in a datastore's container; throws a JobFailure for an unknown or non-blob datastore. */
  datastore(name: string, path: string): BlobLocation {
    const datastore = this.arm.store.get(`${this.workspaceId}/datastores/${name}`);
    const props = isObject(datastore?.body['properties']) ? datastore.body['properties'] : undefined;
    if (!props) throw new JobFailure(`Datastore '${name}' was not found in the workspace.`);
    const container = props['containerName'] ?? props['filesystem'];
    if (typeof container !== 'string' || container === '') {
      throw new JobFailure(
        `Datastore '${name}' (${String(props['datastoreType'])}) has no blob container: the emulator reads ` +
          'blob and ADLS Gen2 datastores only.',
      );
    }
    return { container, path: path.replace(/^\/+/, '') };
  }

  /** `ExperimentRun/dcid.<job>/<path>` in the workspace artifact store, where Azure ML keeps run files. */
  artifact(jobName: string, path: string): BlobLocation {
    return this.datastore(ARTIFACT_DATASTORE, `ExperimentRun/dcid.${jobName}/${path}`);
  }

  /** The blob location `uri` refers to; `kind` picks data or models for a short `azureml:<name>:<version>`. */
  resolve(uri: string, kind: AssetKind = 'data', depth = 0): BlobLocation {
    if (depth > MAX_DEPTH) throw new JobFailure(`'${uri}' could not be resolved: too many indirections.`);
    const datastore = DATASTORE_URI.exec(uri);
    if (datastore) return this.datastore(decodeURIComponent(datastore[1] ?? ''), datastore[2] ?? '');
    const output = JOB_OUTPUT_URI.exec(uri);
    if (output) return this.jobOutput(output[1] ?? '', output[2] ?? '', output[3] ?? '', depth);
    if (/^(https?|wasbs?):\/\//i.test(uri)) {
      const location = this.blobs.parseUrl(uri);
      if (location) return location;
      throw new JobFailure(`'${uri}' is not a blob URL.`);
    }
    const asset = this.assetVersion(uri, kind);
    if (asset) return this.resolve(asset.uri, kind, depth + 1);
    throw new JobFailure(
      `'${uri}' cannot be read by the emulator: use an azureml://datastores/<name>/paths/<path> URI, a blob ` +
        'URL or a data / model asset (azureml:<name>:<version>).',
    );
  }

  /** The storage URI of an asset reference, or undefined when `ref` is not one. Throws when it is missing. */
  assetVersion(ref: string, kind: AssetKind): { id: string; uri: string } | undefined {
    let type = kind;
    let name: string | undefined;
    let version: string | undefined;
    const long = ASSET_ID.exec(ref);
    const short = SHORT_ASSET.exec(ref);
    if (long && (ref.startsWith('/') || /^azureml:/i.test(ref))) {
      type = (long[1] ?? kind).toLowerCase() as AssetKind;
      name = long[2];
      version = long[3];
    } else if (short) {
      name = short[1];
      version = short[2];
    } else {
      return undefined;
    }
    const containerId = `${this.workspaceId}/${type}/${name ?? ''}`;
    const container = this.arm.store.get(containerId);
    const latest = isObject(container?.body['properties'])
      ? container.body['properties']['latestVersion']
      : undefined;
    const wanted = version ?? (typeof latest === 'string' ? latest : undefined);
    const found = wanted ? this.arm.store.get(`${containerId}/versions/${wanted}`) : undefined;
    const label = type === 'models' ? 'Model' : type === 'codes' ? 'Code' : 'Data asset';
    if (!found)
      throw new JobFailure(`${label} '${name ?? ''}:${version ?? 'latest'}' was not found in the workspace.`);
    const props: Json = isObject(found.body['properties']) ? found.body['properties'] : {};
    const uri = props['dataUri'] ?? props['modelUri'] ?? props['codeUri'];
    if (typeof uri !== 'string') throw new JobFailure(`${label} '${found.id}' has no storage path.`);
    return { id: found.id, uri };
  }

  /** Output `output` of job `jobName` (`artifacts` is the run's artifact folder), plus `path` below it. */
  private jobOutput(jobName: string, output: string, path: string, depth: number): BlobLocation {
    if (output === 'artifacts') return this.artifact(jobName, path);
    const job = this.arm.store.get(`${this.workspaceId}/jobs/${jobName}`);
    const props = isObject(job?.body['properties']) ? job.body['properties'] : {};
    const outputs = isObject(props['outputs']) ? props['outputs'] : {};
    const declared = outputs[output];
    const uri = isObject(declared) ? declared['uri'] : undefined;
    if (typeof uri !== 'string') {
      throw new JobFailure(`Job '${jobName}' has no output '${output}' with a storage path.`);
    }
    const base = this.resolve(uri, 'data', depth + 1);
    const joined = [base.path.replace(/\/+$/, ''), path.replace(/^\/+/, '')]
      .filter((p) => p !== '')
      .join('/');
    return { container: base.container, path: joined };
  }
}
