import { describeArea } from './describe-area';
import { area } from './areas/deploys';

describeArea(area);
