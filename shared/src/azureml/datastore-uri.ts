/** A place in a workspace datastore, as an `azureml://` URI names it. */
export interface DatastorePath {
  readonly datastore: string;
  /** The blob path in the datastore's container (no leading slash; '' for its root). */
  readonly path: string;
}

/** `azureml://datastores/<d>/paths/<p>`, and its long form with the workspace's subscription, group and name first. */
const DATASTORE_URI =
  /^azureml:\/\/(?:subscriptions\/[^/]+\/resourcegroups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths(?:\/(.*))?$/i;

/** The datastore and the path (both percent-decoded) an `azureml://` URI names, or undefined for another URI. */
export function parseDatastoreUri(uri: string): DatastorePath | undefined {
  const match = DATASTORE_URI.exec(uri);
  if (!match) return undefined;
  try {
    return { datastore: decodeURIComponent(match[1]!), path: decodeURIComponent(match[2] ?? '') };
  } catch {
    return undefined;
  }
}
