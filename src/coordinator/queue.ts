export { UnitLanes as UnitQueue } from '../operators/unitLanes';
