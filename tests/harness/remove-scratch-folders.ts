// jest setupFilesAfterEnv: each test file removes the agent and runner folders its runs made.
import { removeScratchFolders } from './scratch-folders';

afterAll(removeScratchFolders);
