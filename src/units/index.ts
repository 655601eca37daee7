export { installUnits, civilAffairsUnitOf } from './service.js';
export { findUnit, findUnitByKey, unitOfKind, supervisedUnitIds, supervisorChain, listUnits, type Unit } from './repository.js';
export { STATIONED_GROUP_KEY, type UnitKind, type Department } from './seed.js';
export { civilAffairsOrTownshipUnits } from './repository.js';
export { civilAffairsUnitsAmong, unitsOfKind } from './repository.js';
export { unitsOfKindsAmong, regionCodesOfUnits, civilAffairsUnitsAtLevel, unitNameOf, unitKindOf, unitRegionOf, unitOfKinds } from './repository.js';
