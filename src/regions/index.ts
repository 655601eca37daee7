export { installRegions, placeChain, placeLabel, type PlaceChain } from './service.js';
export { findRegion, childrenOf, regionsAtLevel, ancestorsOf, isWithin, findRegions, type Region } from './repository.js';
export { CHANGBAISHAN } from './load.js';
export { PLACE_LEVELS, placeValues, isPlaceRefresh, placeOfVillage, withoutVillage, placePicker, checkVillage, type PlaceLevel, type PlaceValues, type PlacePicker, type VillageCheck } from './place-picker.js';
export { villagePlaces } from './repository.js';
export { ancestorsOfMany, regionsWithin, regionsAtLevels, countRegionsAtLevel, villagesWithCounty, codesWithinAny, type AncestorRow } from './repository.js';
export { regionWithin, regionWithinAny, regionEncloses, regionDepthAbove, regionNameOf, regionLevelOf, regionParentOf, regionAncestorAtLevel, regionAncestry } from './repository.js';
