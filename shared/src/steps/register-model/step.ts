import { notImplementedStep } from '../not-implemented';
import { registerModelManifest } from './manifest';

export const registerModelStep = notImplementedStep(registerModelManifest, 'planned in issue #6');
