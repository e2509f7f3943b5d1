/**
 * The release verdict the release-gate step records as tags on a model version, so that anyone with read access can
 * check it later: the deploy step (`requireVerdict`), an Azure DevOps environment check, a reviewer.
 */

/** The tag names on the model version. */
export const RELEASE_TAG = {
  /** `pass` or `fail`. */
  verdict: 'release.verdict',
  /** `sha256:<hex>` of the evidence JSON the verdict was reached on. */
  evidence: 'release.evidence',
  /** The run (or artifact) where the evidence page is. */
  evidenceLink: 'release.evidenceLink',
} as const;

/** The verdict value that lets a version go to production. */
export const PASSING_VERDICT = 'pass';

/** What a model version's tags say of its release verdict. */
export interface ReleaseVerdict {
  /** The `release.verdict` tag as found; undefined when the version has none. */
  readonly verdict?: string;
  readonly evidence?: string;
  readonly evidenceLink?: string;
  readonly passed: boolean;
}

/** Reads the verdict tags of a model version (absent tags stay undefined; the value must be exactly `pass`). */
export function releaseVerdict(tags: Readonly<Record<string, string | null>> | undefined): ReleaseVerdict {
  const read = (key: string) => (tags && Object.hasOwn(tags, key) ? (tags[key] ?? undefined) : undefined);
  const verdict = read(RELEASE_TAG.verdict);
  const evidence = read(RELEASE_TAG.evidence);
  const evidenceLink = read(RELEASE_TAG.evidenceLink);
  return {
    ...(verdict !== undefined ? { verdict } : {}),
    ...(evidence !== undefined ? { evidence } : {}),
    ...(evidenceLink !== undefined ? { evidenceLink } : {}),
    passed: verdict === PASSING_VERDICT,
  };
}

/** `release.verdict` as found, for messages: `'fail'`, `'' (empty)` or `missing`. */
export function describeVerdict(found: ReleaseVerdict): string {
  if (found.verdict === undefined) return `no '${RELEASE_TAG.verdict}' tag`;
  return `'${RELEASE_TAG.verdict}' = '${found.verdict}'`;
}
