import { describeArea } from './describe-area';
import { area } from './areas/redaction';

describeArea(area);
