/**
 * The two Lambda authorizers, by the credential kind of the route table. The stack attaches
 * them to the routes; the local server runs them the same way.
 */
export const AUTHORIZERS = {
  person: { handler: 'auth/person-authorizer', identityHeader: 'Authorization' },
  apiKey: { handler: 'auth/api-key-authorizer', identityHeader: 'x-api-key' },
} as const;
