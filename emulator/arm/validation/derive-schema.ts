/**
 * Derives the REST model data the request validator checks PUT bodies against, one file per SDK and api-version
 * (`SDKS`): `ml-2022-10-01.json` from `@azure/arm-machinelearning` 2.1.1, `aci-2023-05-01.json` from
 * `@azure/arm-containerinstance` 9.1.0, `kubernetesconfiguration-2023-05-01.json` from
 * `@azure/arm-kubernetesconfiguration` 6.1.0 (all MIT, AutoRest-generated), read from their generated models:
 * - `src/models/mappers.ts`: serialized names, types, `required`, `readOnly`, constraints (pattern, lengths,
 *   bounds), fixed enums (`Enum` mappers), and the discriminator value of each polymorphic subtype;
 * - `src/models/index.ts`: the `<Base>Union` types (which subtypes a polymorphic base has) and, per property, the
 *   enum it is typed with (`type X = string` + `enum KnownX`: an extensible enum's known values; `type X = "a" | "b"`:
 *   a fixed one).
 * `@azure/arm-containerservice` 25.3.0 (AKS) is not derived: it is TypeSpec-generated and ships no mappers.
 *
 * `npx tsx emulator/arm/validation/derive-schema.ts` rewrites the files; `--check` fails when one is stale
 * (`tests/request-validation.test.ts` runs the check). Only the models reachable from the resources the emulator
 * accepts are kept.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import ts from 'typescript';
import type { ModelSchema, PropertySchema, SchemaFile, TypeSchema } from './schema';

/** One SDK whose models are derived: its package, api-version, output file and the PUT bodies kept. */
export interface SdkSource {
  /** Package below node_modules (its `src/models/{mappers,index,parameters}.ts`, `src/operations/*.ts`). */
  package: string;
  apiVersion: string;
  /** Output file name, next to this script. */
  output: string;
  /** The REST specification folder the SDK is generated from (noted in the file). */
  spec: string;
  /** The path parameter after which a `createOrUpdate`'s parameters name the resource (and its parents). */
  namesAfter: string;
  /**
   * The PUT bodies the emulator accepts: resource type (below `namesAfter`'s resource) → the body's model and the
   * SDK operations file whose `createOrUpdate` spec names the path parameters (their patterns and lengths are kept).
   */
  resources: Record<string, { model: string; operations: string }>;
  /** The PUT operation's name in the SDK (`createOrUpdate` unless said). */
  put?: string;
}

export const SDKS: readonly SdkSource[] = [
  {
    package: '@azure/arm-machinelearning',
    apiVersion: '2022-10-01',
    output: 'ml-2022-10-01.json',
    spec: 'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01',
    namesAfter: 'workspaceName',
    resources: {
      onlineEndpoints: { model: 'OnlineEndpoint', operations: 'onlineEndpoints' },
      'onlineEndpoints/deployments': { model: 'OnlineDeployment', operations: 'onlineDeployments' },
      jobs: { model: 'JobBase', operations: 'jobs' },
      codes: { model: 'CodeContainer', operations: 'codeContainers' },
      'codes/versions': { model: 'CodeVersion', operations: 'codeVersions' },
      environments: { model: 'EnvironmentContainer', operations: 'environmentContainers' },
      'environments/versions': { model: 'EnvironmentVersion', operations: 'environmentVersions' },
      models: { model: 'ModelContainer', operations: 'modelContainers' },
      'models/versions': { model: 'ModelVersion', operations: 'modelVersions' },
      data: { model: 'DataContainer', operations: 'dataContainers' },
      'data/versions': { model: 'DataVersionBase', operations: 'dataVersions' },
      components: { model: 'ComponentContainer', operations: 'componentContainers' },
      'components/versions': { model: 'ComponentVersion', operations: 'componentVersions' },
      computes: { model: 'ComputeResource', operations: 'computeOperations' },
      datastores: { model: 'Datastore', operations: 'datastores' },
      schedules: { model: 'Schedule', operations: 'schedules' },
    },
  },
  {
    package: '@azure/arm-containerinstance',
    apiVersion: '2023-05-01',
    output: 'aci-2023-05-01.json',
    spec: 'specification/containerinstance/resource-manager/Microsoft.ContainerInstance/stable/2023-05-01',
    namesAfter: 'resourceGroupName',
    resources: { containerGroups: { model: 'ContainerGroup', operations: 'containerGroups' } },
  },
  {
    package: '@azure/arm-kubernetesconfiguration',
    apiVersion: '2023-05-01',
    output: 'kubernetesconfiguration-2023-05-01.json',
    spec: 'specification/kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/stable/2023-05-01',
    namesAfter: 'clusterName',
    resources: { extensions: { model: 'Extension', operations: 'extensions' } },
    put: 'create',
  },
];

interface Mapper {
  serializedName?: string;
  required?: boolean;
  readOnly?: boolean;
  nullable?: boolean;
  constraints?: Record<string, unknown>;
  type: {
    name: string;
    className?: string;
    allowedValues?: unknown[];
    element?: Mapper;
    value?: Mapper;
    modelProperties?: Record<string, Mapper>;
    polymorphicDiscriminator?: { serializedName: string };
  };
}

/** What index.ts says: interfaces (property → type text, bases), unions, enums. */
interface TypeInfo {
  interfaces: Map<string, { bases: string[]; props: Map<string, string> }>;
  unions: Map<string, string[]>;
  known: Map<string, string[]>;
  literalUnions: Map<string, string[]>;
  stringAliases: Set<string>;
}

function readTypes(file: string): TypeInfo {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const info: TypeInfo = {
    interfaces: new Map(),
    unions: new Map(),
    known: new Map(),
    literalUnions: new Map(),
    stringAliases: new Set(),
  };
  for (const node of source.statements) {
    if (ts.isInterfaceDeclaration(node)) {
      const bases = (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText()));
      const props = new Map<string, string>();
      for (const member of node.members)
        if (ts.isPropertySignature(member) && member.type)
          props.set(member.name.getText(), member.type.getText());
      info.interfaces.set(node.name.text, { bases, props });
    } else if (ts.isEnumDeclaration(node) && node.name.text.startsWith('Known')) {
      const values = node.members.map((m) => (m.initializer as ts.StringLiteral).text);
      info.known.set(node.name.text.slice('Known'.length), values);
    } else if (ts.isTypeAliasDeclaration(node)) {
      const name = node.name.text;
      if (node.type.kind === ts.SyntaxKind.StringKeyword) info.stringAliases.add(name);
      else if (ts.isUnionTypeNode(node.type)) {
        const parts = node.type.types;
        if (parts.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)))
          info.literalUnions.set(
            name,
            parts.map((t) => ((t as ts.LiteralTypeNode).literal as ts.StringLiteral).text),
          );
        else if (name.endsWith('Union'))
          info.unions.set(
            name.slice(0, -'Union'.length),
            parts.map((t) => t.getText()),
          );
      }
    }
  }
  return info;
}

/** The declared type text of `prop` on interface `name` or its bases. */
function declaredType(info: TypeInfo, name: string, prop: string): string | undefined {
  const iface = info.interfaces.get(name);
  if (!iface) return undefined;
  return (
    iface.props.get(prop) ?? iface.bases.map((b) => declaredType(info, b, prop)).find((t) => t !== undefined)
  );
}

function enumOf(
  info: TypeInfo,
  typeText: string | undefined,
): Pick<TypeSchema, 'enum' | 'enumName' | 'extensible'> {
  if (!typeText) return {};
  const known = info.known.get(typeText);
  if (known && info.stringAliases.has(typeText)) return { enum: known, enumName: typeText, extensible: true };
  const literals = info.literalUnions.get(typeText);
  if (literals) return { enum: literals, enumName: typeText };
  return {};
}

const SCALARS: Record<string, TypeSchema['type']> = {
  String: 'string',
  Number: 'number',
  Boolean: 'boolean',
  DateTime: 'date-time',
  TimeSpan: 'duration',
  Uuid: 'uuid',
  any: 'any',
};

class Deriver {
  readonly models: Record<string, ModelSchema> = {};

  constructor(
    private readonly mappers: Record<string, Mapper>,
    private readonly info: TypeInfo,
  ) {}

  model(className: string): void {
    if (this.models[className]) return;
    const mapper = this.mappers[className];
    if (!mapper) throw new Error(`No mapper for ${className}`);
    const schema: ModelSchema = { properties: {} };
    this.models[className] = schema;
    const members = (this.info.unions.get(className) ?? []).filter((m) => m !== className);
    const discriminator = mapper.type.polymorphicDiscriminator?.serializedName;
    if (members.length > 0 && discriminator) {
      schema.discriminator = { property: discriminator, values: {} };
      for (const member of members) {
        const value = this.mappers[member]?.serializedName;
        if (!value) throw new Error(`No discriminator value for ${member}`);
        schema.discriminator.values[value] = member;
        this.model(member);
      }
    }
    for (const [clientName, property] of Object.entries(mapper.type.modelProperties ?? {})) {
      const serialized = property.serializedName ?? clientName;
      schema.properties[serialized] = this.property(property, declaredType(this.info, className, clientName));
    }
  }

  private property(mapper: Mapper, typeText: string | undefined): PropertySchema {
    const out: PropertySchema = this.type(mapper, typeText);
    if (mapper.required) out.required = true;
    if (mapper.readOnly) out.readOnly = true;
    if (mapper.nullable) out.nullable = true;
    return out;
  }

  private type(mapper: Mapper, typeText: string | undefined): TypeSchema {
    const { name } = mapper.type;
    const constraints = this.constraints(mapper.constraints);
    const scalar = SCALARS[name];
    if (scalar)
      return { type: scalar, ...(scalar === 'string' ? enumOf(this.info, typeText) : {}), ...constraints };
    if (name === 'Enum')
      return { type: 'string', enum: (mapper.type.allowedValues ?? []).map(String), ...constraints };
    if (name === 'Composite') {
      const className = mapper.type.className ?? '';
      this.model(className);
      return { type: 'object', model: className };
    }
    const inner =
      typeText?.match(/^(\w+)\[\]$/)?.[1] ?? typeText?.match(/^\{ \[propertyName: string\]: (\w+) \}$/)?.[1];
    if (name === 'Sequence' && mapper.type.element)
      return { type: 'array', items: this.type(mapper.type.element, inner), ...constraints };
    if (name === 'Dictionary' && mapper.type.value)
      return { type: 'dictionary', values: this.type(mapper.type.value, inner), ...constraints };
    throw new Error(`Unhandled mapper type ${name}`);
  }

  constraints(c: Record<string, unknown> | undefined): Partial<TypeSchema> {
    if (!c) return {};
    const out: Partial<TypeSchema> = {};
    if (c['Pattern'] instanceof RegExp) out.pattern = c['Pattern'].source;
    if (typeof c['MinLength'] === 'number') out.minLength = c['MinLength'];
    if (typeof c['MaxLength'] === 'number') out.maxLength = c['MaxLength'];
    if (typeof c['InclusiveMinimum'] === 'number') out.minimum = c['InclusiveMinimum'];
    if (typeof c['InclusiveMaximum'] === 'number') out.maximum = c['InclusiveMaximum'];
    if (typeof c['MinItems'] === 'number') out.minItems = c['MinItems'];
    if (typeof c['MaxItems'] === 'number') out.maxItems = c['MaxItems'];
    return out;
  }
}

const modules = join(__dirname, '../../../node_modules');

/** The path parameters after `sdk.namesAfter` of an operations file's `createOrUpdate`, with their constraints. */
function nameParameters(
  sdk: SdkSource,
  operations: string,
  parameters: Record<string, { mapper: Mapper }>,
  deriver: Deriver,
): SchemaFile['resources'][string]['names'] {
  const text = readFileSync(join(modules, sdk.package, 'src/operations', `${operations}.ts`), 'utf8');
  const put = sdk.put ?? 'createOrUpdate';
  const spec = new RegExp(`const ${put}OperationSpec[^]*?urlParameters: \\[([^\\]]*)\\]`).exec(text)?.[1];
  if (!spec) throw new Error(`No ${put} spec in ${operations}.ts`);
  const names = [...spec.matchAll(/Parameters\.(\w+)/g)].map((m) => m[1] ?? '');
  return names.slice(names.indexOf(sdk.namesAfter) + 1).map((name) => {
    const mapper = parameters[name]?.mapper;
    if (!mapper) throw new Error(`No parameter ${name}`);
    return { parameter: mapper.serializedName ?? name, ...deriver.constraints(mapper.constraints) };
  });
}

export async function deriveSchema(sdk: SdkSource): Promise<SchemaFile> {
  const root = join(modules, sdk.package);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
    license?: string;
  };
  // A computed path: the SDK's TypeScript sources stay out of this project's type-check.
  const mappers = (await import(join(root, 'src/models/mappers.ts'))) as Record<string, Mapper>;
  const deriver = new Deriver(mappers, readTypes(join(root, 'src/models/index.ts')));
  const parameters = (await import(join(root, 'src/models/parameters.ts'))) as Record<
    string,
    { mapper: Mapper }
  >;
  const resources: SchemaFile['resources'] = {};
  for (const [type, { model, operations }] of Object.entries(sdk.resources)) {
    deriver.model(model);
    resources[type] = { model, names: nameParameters(sdk, operations, parameters, deriver) };
  }
  const models = Object.fromEntries(Object.entries(deriver.models).sort(([a], [b]) => a.localeCompare(b)));
  return {
    apiVersion: sdk.apiVersion,
    source:
      `${sdk.package} ${pkg.version} (${pkg.license ?? 'MIT'}): src/models/mappers.ts and src/models/index.ts ` +
      `(the SDK is generated from ${sdk.spec})`,
    generatedBy: 'npx tsx emulator/arm/validation/derive-schema.ts',
    resources,
    models,
  };
}

/** The JSON as the repository's prettier settings write it (so `format:check` and `--check` agree). */
export async function serialize(schema: SchemaFile, output: string): Promise<string> {
  const options = (await prettier.resolveConfig(output)) ?? {};
  return prettier.format(JSON.stringify(schema), { ...options, filepath: output });
}

async function main(): Promise<void> {
  let stale = false;
  for (const sdk of SDKS) {
    const output = join(__dirname, sdk.output);
    const text = await serialize(await deriveSchema(sdk), output);
    if (!process.argv.includes('--check')) {
      writeFileSync(output, text);
      console.log(`wrote ${output}`);
    } else if (readFileSync(output, 'utf8') !== text) {
      console.error(`${output} is stale: run npx tsx emulator/arm/validation/derive-schema.ts`);
      stale = true;
    }
  }
  if (stale) process.exit(1);
}

if (require.main === module) void main();
