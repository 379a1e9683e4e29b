export * from './filter-syntax';
export * from './parse-filter';
export * from './compile-filter';
export * from './filter-schema-check';
export * from './compiled-filter-cache';
export { schemaPathTypes, type JsonType, type PathTypes } from './schema-path-types';
