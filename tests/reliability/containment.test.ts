import { area } from './areas/containment';
import { describeArea } from './describe-area';

describeArea(area);
