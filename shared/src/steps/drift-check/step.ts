import { notImplementedStep } from '../not-implemented';
import { driftCheckManifest } from './manifest';

export const driftCheckStep = notImplementedStep(driftCheckManifest, 'planned in issue #3');
