/**
 * Stand-in for the types `npm run client:generate` writes from the OpenAPI document (openapi-typescript).
 * The project's own type-check sees this loose version (any path, any method, any body), so it passes
 * before any document exists; test/e2e/typed-client.spec.ts compiles lifecycle.ts again with the types
 * generated from the real service's document in this file's place, where every call, body and answer
 * is checked.
 */
type Json = { 'application/json': any };
type LooseOperation = {
  parameters: { query?: Record<string, unknown>; header?: Record<string, unknown>; path?: Record<string, unknown> };
  requestBody?: { content: Json };
  responses: { [status: number]: { content: Json } };
};
export type paths = Record<string, Record<'get' | 'put' | 'post' | 'patch' | 'delete', LooseOperation>>;
export type components = { schemas: Record<string, any> };
