import { z } from "zod";

/** One field of a settings schema, for help texts and docs. */
export interface SchemaField {
  name: string;
  type: string;
  defaultValue?: unknown;
  optional: boolean;
  description: string;
}

function typeName(schema: z.ZodTypeAny): string {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) return typeName(schema._def.innerType);
  if (schema instanceof z.ZodEffects) return typeName(schema._def.schema);
  if (schema instanceof z.ZodNumber) return schema.isInt ? "whole number" : "number";
  if (schema instanceof z.ZodBoolean) return "true/false";
  if (schema instanceof z.ZodString) return "text";
  if (schema instanceof z.ZodLiteral) return JSON.stringify(schema._def.value);
  if (schema instanceof z.ZodEnum) return (schema._def.values as string[]).join(" | ");
  if (schema instanceof z.ZodArray) return `list of ${typeName(schema._def.type)}`;
  if (schema instanceof z.ZodDiscriminatedUnion) return "window";
  if (schema instanceof z.ZodObject) return "object";
  return "value";
}

function descriptionOf(schema: z.ZodTypeAny): string {
  if (schema.description) return schema.description;
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) return descriptionOf(schema._def.innerType);
  return "";
}

/** The fields of an object schema with their types, defaults and descriptions. */
export function fieldsOf(schema: z.AnyZodObject): SchemaField[] {
  return Object.entries(schema.shape as Record<string, z.ZodTypeAny>).map(([name, field]) => ({
    name,
    type: typeName(field),
    defaultValue: field instanceof z.ZodDefault ? field._def.defaultValue() : undefined,
    optional: field.isOptional(),
    description: descriptionOf(field),
  }));
}
