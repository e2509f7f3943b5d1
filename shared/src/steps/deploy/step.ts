import { notImplementedStep } from '../not-implemented';
import { deployManifest } from './manifest';

export const deployStep = notImplementedStep(deployManifest, 'planned in issue #7');
