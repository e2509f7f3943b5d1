import { notImplementedStep } from '../not-implemented';
import { trainManifest } from './manifest';

export const trainStep = notImplementedStep(trainManifest, 'planned in issue #5');
