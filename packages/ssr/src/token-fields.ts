import { Kind, type DocumentNode, type SelectionSetNode } from '@0no-co/graphql.web';

/**
 * Root fields the GraphQL proxy refuses: every field of Bettermode's schema that answers with
 * tokens (their answers would hand the browser what the server keeps from it), and the session
 * transitions, which go through `login` and `logout` so the cookie follows. `token-fields.test.ts`
 * checks the list against the schema.
 */
export const refusedRootFields: ReadonlySet<string> = new Set([
  'addNetwork',
  'createNetwork',
  'getSupportNetworkTokens',
  'getTokens',
  'globalToken',
  'impersonateLoginToNetwork',
  'joinNetwork',
  'joinNetworkWithInvitationLink',
  'joinNetworkWithToken',
  'limitedToken',
  'loginNetwork',
  'loginNetworkWithGlobalToken',
  'loginNetworkWithPassword',
  'loginSupportWithSsoCode',
  'loginWithSsoCode',
  'logoutNetwork',
  'ssoRedirect',
  'supportNetworkTokens',
  'supportSsoRedirect',
  'tokens',
  'verifyMember',
]);

/** The refused root fields an operation selects (through fragments too); empty when none. */
export function refusedFieldsOf(document: DocumentNode): string[] {
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition.selectionSet);
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (refusedRootFields.has(selection.name.value)) found.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment);
      }
    }
  };
  for (const definition of document.definitions)
    if (definition.kind === Kind.OPERATION_DEFINITION) visit(definition.selectionSet);
  return [...found];
}
