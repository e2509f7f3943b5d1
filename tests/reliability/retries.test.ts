import { describeArea } from './describe-area';
import { area } from './areas/retries';

describeArea(area);
