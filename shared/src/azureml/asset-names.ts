/** How the CLI tells apart the strings that name things: workspace assets, full ids, URIs and local paths. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { refusalOf } from '../step/allowed-roots';
import type { Node } from '../yaml/read-node';
import type { AssetName } from './references';

const ASSET = /^azureml:([A-Za-z0-9][A-Za-z0-9_.-]*)(?::([A-Za-z0-9_.-]+)|@(latest))$/;

/** `azureml:name:version` or `azureml:name@latest`; undefined for anything else. */
export function assetName(text: string): AssetName | undefined {
  const match = ASSET.exec(text);
  if (!match) return undefined;
  const [, name, version, label] = match;
  return label ? { name: name!, label: 'latest', text } : { name: name!, version: version!, text };
}

/** An ARM id (`azureml:/subscriptions/...` or `/subscriptions/...`) or a registry URI: used as given. */
export function isFullId(text: string): boolean {
  return /^(azureml:)?\/subscriptions\//i.test(text) || /^azureml:\/\/registries\//i.test(text);
}

/** A URI with a scheme (https://, wasbs://, abfss://, azureml://datastores/...). */
export function isUri(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text);
}

/** Starts with `azureml:` but is neither a full id nor a well-formed asset name. */
export function looksLikeAsset(text: string): boolean {
  return /^azureml:/i.test(text) && !isFullId(text) && !isUri(text);
}

export interface LocalPath {
  readonly path: string;
  readonly exists: boolean;
  readonly isFile: boolean;
}

/**
 * A path written in a YAML file at `node`, relative to that file's folder; `file:` prefixes are accepted. Undefined
 * (reported at the node's file:line:column) when it is outside the allowed folders (step/allowed-roots.ts).
 */
export function localPath(text: string, node: Node): LocalPath | undefined {
  const written = text.replace(/^file:(\/\/)?/, '');
  const resolved = path.resolve(path.dirname(node.document.file), written);
  const refusal = refusalOf(resolved, `'${node.label}'`);
  if (refusal) {
    node.error(refusal);
    return undefined;
  }
  if (!existsSync(resolved)) return { path: resolved, exists: false, isFile: false };
  return { path: resolved, exists: true, isFile: statSync(resolved).isFile() };
}
