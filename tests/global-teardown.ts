import { endRunTempFolder } from './harness/run-temp-folder';

/** What tsx and Node cache in the temp folder: expected, and gone with the run's folder. */
const KNOWN_CACHES = ['tsx-', 'node-compile-cache'];

/**
 * jest globalTeardown: removes the run's temp folder and fails the run when our own code left a folder in it (a
 * test file that does not remove what it made); anything else left there (but the known caches) is named.
 */
export default function globalTeardown(): void {
  const { own, others } = endRunTempFolder();
  const unexpected = others.filter((name) => !KNOWN_CACHES.some((cache) => name.startsWith(cache)));
  if (unexpected.length > 0)
    console.warn(`\nalso left in the test run's temp folder (removed with it): ${unexpected.join(', ')}`);
  if (own.length > 0)
    throw new Error(
      `the tests left ${own.join(', ')} in their temp folder (removed now): the test that makes them must remove them`,
    );
}
