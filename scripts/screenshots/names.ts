/** The Marketplace pictures (images/screenshots/<name>.png), in the order the listing shows them. */
export const screenshotNames = ['job-summary', 'drift-report', 'release-evidence'] as const;

export const screenshotPath = (name: string) => `images/screenshots/${name}.png`;
