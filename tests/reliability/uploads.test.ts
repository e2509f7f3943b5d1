import { describeArea } from './describe-area';
import { area } from './areas/uploads';

describeArea(area);
