import type { PathsObject, SchemaObject, TagObject } from '@nestjs/swagger';

/** One resource's part of the OpenAPI document: its tag, its schemas (components) and its paths. */
export interface ResourceDocument {
  tag: TagObject;
  schemas: Record<string, SchemaObject>;
  paths: PathsObject;
}
