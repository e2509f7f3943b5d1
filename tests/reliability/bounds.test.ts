import { area } from './areas/bounds';
import { describeArea } from './describe-area';

describeArea(area);
