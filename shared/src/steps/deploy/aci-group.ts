/**
 * The ACI container group of the `aci` target, pure: the Azure ML inference image serving the scoring script, and an
 * init container that downloads the model and the code with short-lived read-only SAS URLs before it starts.
 * Azure ML v2 has no ACI target; this is the deploy step's own, for test stages (no key auth, no traffic split).
 */
import type { ContainerGroup, EnvironmentVariable } from '@azure/arm-containerinstance';
import { specHash } from './desired';

/** The Azure ML minimal CPU inference image: Python 3.9 with azureml-inference-server-http on port 5001. */
export const INFERENCE_IMAGE = 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest';
export const INFERENCE_PORT = 5001;
/** Where the init container puts the code and the model (emptyDir volumes shared with the scoring container). */
export const APP_ROOT = '/var/azureml-app';
export const MODEL_ROOT = '/var/azureml-models';

/**
 * The variables the init container reads (and the emulator reads the same way: emulator/README.md,
 * "Scoring"). SAS URLs go as secure values: ACI never returns them.
 */
export const ACI_ENV = {
  entryScript: 'AZUREML_ENTRY_SCRIPT',
  modelSasUrl: 'AZUREML_MODEL_SAS_URL',
  modelPrefix: 'AZUREML_MODEL_PREFIX',
  sourceSasUrl: 'AZUREML_SOURCE_SAS_URL',
  sourcePrefix: 'AZUREML_SOURCE_PREFIX',
} as const;

/** Tags that say what a group serves: an unchanged group is left alone on a re-run. */
export const ACI_TAGS = {
  model: 'azureml-steps.model',
  code: 'azureml-steps.code',
  spec: 'azureml-steps.spec',
} as const;

/** A read-only SAS for a blob (`prefix` absent) or a container with the prefix to list. */
export interface SasSource {
  readonly url: string;
  readonly prefix?: string;
}

export interface AciGroupSpec {
  readonly location: string;
  readonly modelId: string;
  /** Content hash of the scoring code (the upload's). */
  readonly codeHash: string;
  readonly scoringScript: string;
  /** The folder name the model is downloaded into, under MODEL_ROOT (`AZUREML_MODEL_DIR`). */
  readonly modelFolder: string;
  readonly model: SasSource;
  readonly code: SasSource;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly cpu: number;
  readonly memoryGb: number;
  readonly dnsLabel?: string;
}

/**
 * The init container's program (the inference image has Python, not the Azure CLI): downloads a blob, or every
 * blob under a prefix (List Blobs with the container SAS, pages followed), keeping the layout below the prefix.
 */
export const DOWNLOAD_SCRIPT = `
import os, sys, urllib.parse, urllib.request, xml.etree.ElementTree as ET
def fetch(url, prefix, dest):
    base, _, sas = url.partition("?")
    os.makedirs(dest, exist_ok=True)
    if not prefix:
        path = os.path.join(dest, urllib.parse.unquote(base.rsplit("/", 1)[1]))
        urllib.request.urlretrieve(url, path); print("downloaded", path); return
    folder = prefix.rstrip("/") + "/"
    marker, count = "", 0
    while True:
        query = "restype=container&comp=list&prefix=" + urllib.parse.quote(folder) + ("&marker=" + marker if marker else "")
        listing = ET.fromstring(urllib.request.urlopen(base + "?" + query + "&" + sas).read())
        for blob in listing.iter("Name"):
            name = blob.text
            path = os.path.join(dest, *name[len(folder):].split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            urllib.request.urlretrieve(base + "/" + urllib.parse.quote(name) + "?" + sas, path); count += 1
        marker = listing.findtext("NextMarker") or ""
        if not marker: break
    if count == 0: sys.exit("nothing found under " + folder)
    print("downloaded", count, "file(s) from", folder)
fetch(os.environ["${ACI_ENV.modelSasUrl}"], os.environ.get("${ACI_ENV.modelPrefix}", ""), os.environ["MODEL_DEST"])
fetch(os.environ["${ACI_ENV.sourceSasUrl}"], os.environ.get("${ACI_ENV.sourcePrefix}", ""), os.environ["SOURCE_DEST"])
`.trim();

/** The group to PUT. Secure values hold the SAS URLs; the tags say what it serves. */
export function aciGroupBody(spec: AciGroupSpec): ContainerGroup {
  const mounts = [
    { name: 'model', mountPath: MODEL_ROOT },
    { name: 'code', mountPath: APP_ROOT },
  ];
  const sasVariables = (name: string, prefixName: string, source: SasSource): EnvironmentVariable[] => [
    { name, secureValue: source.url },
    ...(source.prefix !== undefined ? [{ name: prefixName, value: source.prefix }] : []),
  ];
  const modelDir = `${MODEL_ROOT}/${spec.modelFolder}`;
  const definition = {
    image: INFERENCE_IMAGE,
    scoringScript: spec.scoringScript,
    cpu: spec.cpu,
    memoryGb: spec.memoryGb,
    dnsLabel: spec.dnsLabel ?? null,
    environmentVariables: spec.environmentVariables,
    model: spec.model.prefix ?? '',
    code: spec.code.prefix ?? '',
  };
  return {
    location: spec.location,
    tags: {
      [ACI_TAGS.model]: spec.modelId,
      [ACI_TAGS.code]: spec.codeHash.slice(0, 16),
      [ACI_TAGS.spec]: specHash(definition),
    },
    osType: 'Linux',
    restartPolicy: 'Always',
    sku: 'Standard',
    ipAddress: {
      type: 'Public',
      ports: [{ port: INFERENCE_PORT, protocol: 'TCP' }],
      ...(spec.dnsLabel ? { dnsNameLabel: spec.dnsLabel } : {}),
    },
    volumes: [
      { name: 'model', emptyDir: {} },
      { name: 'code', emptyDir: {} },
    ],
    initContainers: [
      {
        name: 'fetch-model',
        image: INFERENCE_IMAGE,
        command: ['python3', '-c', DOWNLOAD_SCRIPT],
        environmentVariables: [
          ...sasVariables(ACI_ENV.modelSasUrl, ACI_ENV.modelPrefix, spec.model),
          ...sasVariables(ACI_ENV.sourceSasUrl, ACI_ENV.sourcePrefix, spec.code),
          { name: 'MODEL_DEST', value: modelDir },
          { name: 'SOURCE_DEST', value: APP_ROOT },
        ],
        volumeMounts: mounts,
      },
    ],
    containers: [
      {
        name: 'inference',
        image: INFERENCE_IMAGE,
        resources: { requests: { cpu: spec.cpu, memoryInGB: spec.memoryGb } },
        ports: [{ port: INFERENCE_PORT, protocol: 'TCP' }],
        environmentVariables: [
          ...Object.entries(spec.environmentVariables).map(([name, value]) => ({ name, value })),
          { name: ACI_ENV.entryScript, value: spec.scoringScript },
          { name: 'AZUREML_MODEL_DIR', value: modelDir },
          { name: 'AML_APP_ROOT', value: APP_ROOT },
        ],
        volumeMounts: mounts,
      },
    ],
  };
}

/** Whether an existing group already serves what `desired` would: same model, code and settings. */
export function sameGroup(desired: ContainerGroup, existing: ContainerGroup | undefined): boolean {
  if (!existing) return false;
  const tags = existing.tags ?? {};
  return Object.values(ACI_TAGS).every((tag) => tags[tag] !== undefined && tags[tag] === desired.tags?.[tag]);
}

/** `http://<fqdn or ip>:<port>` of a group, from what ACI returned: the FQDN when a DNS label was asked for. */
export function groupBaseUrl(group: ContainerGroup): string | undefined {
  const address = group.ipAddress;
  const host = (address?.dnsNameLabel && address.fqdn) || address?.ip;
  if (!host) return undefined;
  const port = address?.ports?.[0]?.port ?? INFERENCE_PORT;
  return `http://${host}:${port}`;
}
