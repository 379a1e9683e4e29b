import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ValidationTypes, getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type Keywords = Record<string, unknown>;

/** class-validator rule name → the JSON Schema keywords it stands for. */
const KEYWORDS: Record<string, (constraints: unknown[]) => Keywords> = {
  min: ([value]) => ({ minimum: value }),
  max: ([value]) => ({ maximum: value }),
  minLength: ([value]) => ({ minLength: value }),
  maxLength: ([value]) => ({ maxLength: value }),
  isNotEmpty: () => ({ minLength: 1 }),
  matches: ([pattern]) => ({ pattern: pattern instanceof RegExp ? pattern.source : String(pattern) }),
  isIn: ([values]) => ({ enum: values }),
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isISO8601: () => ({ format: 'date-time' }),
  arrayNotEmpty: () => ({ minItems: 1 }),
  arrayMinSize: ([value]) => ({ minItems: value }),
  arrayMaxSize: ([value]) => ({ maxItems: value }),
};

/**
 * Copies the limits of every class-validator rule into the DTOs' OpenAPI properties, so a limit is
 * written once, on the validator, and the document reads it from there. The CLI plugin's
 * class-validator shim does this only for literal arguments written on the property itself; this
 * also covers named constants (MAX_URL_LENGTH, the event-type pattern) and rules applied through
 * applyDecorators. Run after SwaggerModule.loadPluginMetadata (the plugin's types stay in charge).
 */
export function applyValidationLimits(): void {
  for (const [target, rules] of validationTargets()) {
    const byProperty = new Map<string, Keywords>();
    for (const rule of rules) {
      const keywords = rule.type === ValidationTypes.CUSTOM_VALIDATION && rule.name ? KEYWORDS[rule.name]?.(rule.constraints ?? []) : undefined;
      if (!keywords) continue;
      const property = byProperty.get(rule.propertyName) ?? {};
      // `each: true` rules hold for the items of an array.
      if (rule.each) property.items = { ...(property.items as Keywords), ...keywords };
      else Object.assign(property, keywords);
      byProperty.set(rule.propertyName, property);
    }
    for (const [name, keywords] of byProperty) ApiProperty(keywords)(target.prototype as object, name);
  }
}

/** class-validator keeps its rules in a private map; if that changes, fail loudly rather than drop the limits. */
function validationTargets(): Map<Type<unknown>, ValidationMetadata[]> {
  const rules = (getMetadataStorage() as unknown as { validationMetadatas?: unknown }).validationMetadatas;
  if (!(rules instanceof Map)) throw new Error('class-validator no longer exposes validationMetadatas: update docs/validation-limits.ts');
  return rules as Map<Type<unknown>, ValidationMetadata[]>;
}
