export { installRegions, placeChain, placeLabel, type PlaceChain } from './service.js';
export { findRegion, childrenOf, regionsAtLevel, ancestorsOf, isWithin, findRegions, type Region } from './repository.js';
export { CHANGBAISHAN } from './load.js';
export { regions, regionAncestors } from './tables.js';
