import { checkPrerequisites } from '../emulator/prerequisites';
import { startRunTempFolder } from './harness/run-temp-folder';

/** jest globalSetup: python3 and openssl are there (one message saying how to install them), and a temp folder of the run's own. */
export default function globalSetup(): void {
  checkPrerequisites();
  startRunTempFolder();
}
