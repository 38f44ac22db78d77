import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

/** The schema as SDL with types, fields and arguments sorted, so two versions diff line by line. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
