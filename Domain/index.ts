// The co-sell domain model shared by every part of the product. Import from here only.
export * from './constants';
export * from './referral';
export * from './opportunity';
export * from './fieldMap';
export * from './rules';
export * from './mapping';
export * from './pluginEvent';
export * from './checkmark';
export * from './referralPaths';
export * from './relayApi';
export * from './ids';
export * from './jsonDepth';
export * from './odataQuery';
export * from './environmentVariables';
export * from './referralOrigin';
export * from './coSellCreation';
