import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  parse,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/** The schema coordinates each operation file uses: `Type`, `Type.field`, `Type.field.argument`, `Input.field`. */
export type OperationUsage = Map<string, Set<string>>;

/** Reads every `.graphql` file under `folder`, keyed by its path relative to `root`. */
export async function readOperationFiles(root: string, folder = 'operations'): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (directory: string) => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.graphql')) files.set(relative(root, path).split('\\').join('/'), await readFile(path, 'utf8'));
    }
  };
  await walk(join(root, folder));
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Which coordinates of `schema` each file uses, following fragment spreads across files, so a
 * change to a field the shared fragment selects is charged to every operation that spreads it.
 */
export function collectOperationUsage(schema: GraphQLSchema, files: Map<string, string>): OperationUsage {
  const byDefinition = new Map<string, { file: string; coordinates: Set<string>; spreads: Set<string> }>();
  for (const [file, source] of files) {
    const document = parse(source);
    const typeInfo = new TypeInfo(schema);
    let current: { file: string; coordinates: Set<string>; spreads: Set<string> } | undefined;
    const addInput = (type: GraphQLNamedType | undefined, seen = new Set<string>()) => {
      if (!type || seen.has(type.name) || !current) return;
      seen.add(type.name);
      current.coordinates.add(type.name);
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          current.coordinates.add(`${type.name}.${field.name}`);
          addInput(getNamedType(field.type), seen);
        }
      }
    };
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        OperationDefinition(node) {
          current = { file, coordinates: new Set(), spreads: new Set() };
          byDefinition.set(`operation:${file}:${node.name?.value ?? ''}`, current);
        },
        FragmentDefinition(node) {
          current = { file, coordinates: new Set([node.typeCondition.name.value]), spreads: new Set() };
          byDefinition.set(`fragment:${node.name.value}`, current);
        },
        VariableDefinition(node) {
          const type = typeFromAST(schema, node.type as never);
          addInput(type ? getNamedType(type) : undefined);
        },
        Field(node) {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field || !current) return;
          current.coordinates.add(parent.name);
          current.coordinates.add(`${parent.name}.${node.name.value}`);
          current.coordinates.add(getNamedType(field.type).name);
        },
        Argument(node) {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          const argument = typeInfo.getArgument();
          if (!parent || !field || !current) return;
          current.coordinates.add(`${parent.name}.${field.name}.${node.name.value}`);
          if (argument) addInput(getNamedType(argument.type));
        },
        FragmentSpread(node) {
          current?.spreads.add(node.name.value);
        },
        InlineFragment(node) {
          if (node.typeCondition) current?.coordinates.add(node.typeCondition.name.value);
        },
      }),
    );
  }

  const usage: OperationUsage = new Map();
  const resolve = (definition: { coordinates: Set<string>; spreads: Set<string> }, into: Set<string>, seen: Set<string>) => {
    for (const coordinate of definition.coordinates) into.add(coordinate);
    for (const spread of definition.spreads) {
      const fragment = byDefinition.get(`fragment:${spread}`);
      if (fragment && !seen.has(spread)) {
        seen.add(spread);
        resolve(fragment, into, seen);
      }
    }
  };
  for (const definition of byDefinition.values()) {
    const coordinates = usage.get(definition.file) ?? new Set<string>();
    resolve(definition, coordinates, new Set());
    usage.set(definition.file, coordinates);
  }
  return usage;
}

/** Is the definition kind one whose members (enum values, input fields) matter to whoever uses the type? */
export function isValueType(schema: GraphQLSchema, typeName: string): boolean {
  const type = schema.getType(typeName);
  return isEnumType(type) || isInputObjectType(type);
}

