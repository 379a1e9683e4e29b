export * from './errors';
export * from './event-matching';
export * from './ids';
export * from './retry-policy';
export * from './signing';
export * from './address-policy';
export * from './url-policy';
export * from './secret-cipher';
