/** The shape of the derived REST model data (`ml-2022-10-01.json`) and of the per-version differences. */

export interface TypeSchema {
  type:
    | 'string'
    | 'number'
    | 'boolean'
    | 'date-time'
    | 'duration'
    | 'uuid'
    | 'any'
    | 'object'
    | 'array'
    | 'dictionary';
  /** `object`: the model's name. */
  model?: string;
  /** `array`: the element type. */
  items?: TypeSchema;
  /** `dictionary`: the value type. */
  values?: TypeSchema;
  /** Allowed values (a fixed enum) or known values (`extensible`: an x-ms-enum with modelAsString). */
  enum?: string[];
  extensible?: boolean;
  /** The enum's name in the REST spec (`OutputDeliveryMode`), for per-version differences. */
  enumName?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

export interface PropertySchema extends TypeSchema {
  required?: boolean;
  /** Set by the service: ignored in requests (ARM drops read-only properties of a PUT body). */
  readOnly?: boolean;
  nullable?: boolean;
}

export interface ModelSchema {
  /** By serialized (JSON) name. A polymorphic subtype lists its base's properties too. */
  properties: Record<string, PropertySchema>;
  /** A polymorphic base: which property tells the subtype, and the model of each value. */
  discriminator?: { property: string; values: Record<string, string> };
}

export interface SchemaFile {
  apiVersion: string;
  source: string;
  generatedBy: string;
  /** Resource type below `workspaces` (`onlineEndpoints/deployments`) → its PUT body's model and name rules. */
  resources: Record<string, { model: string; names: NameRule[] }>;
  models: Record<string, ModelSchema>;
}

/** A path parameter naming the resource or one of its parents below the workspace. */
export interface NameRule {
  parameter: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
}
