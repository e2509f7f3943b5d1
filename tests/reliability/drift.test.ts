import { area } from './areas/drift';
import { describeArea } from './describe-area';

describeArea(area);
