/** Reading the service's own OpenAPI document (GET /api/docs-json). */
export type Json = Record<string, any>;
export const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

export interface DocOperation {
  key: string;
  path: string;
  method: string;
  op: Json;
}

export function operationsOf(doc: Json): DocOperation[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op: item[method] })),
  );
}

/** The schema of the first content type of a response, or undefined. */
export function schemaOf(response: Json | undefined): Json | undefined {
  const content = response?.content as Json | undefined;
  if (!content) return undefined;
  return (Object.values(content)[0] as Json | undefined)?.schema;
}

/** The OpenAPI path template ("/api/v1/facilities/{id}") a concrete path ("/api/v1/facilities/3f…") matches. */
export function templateOf(doc: Json, method: string, url: string): DocOperation | undefined {
  const path = url.split('?')[0];
  return operationsOf(doc).find(
    (o) => o.method === method.toLowerCase() && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
}

/** OpenAPI 3.0 → JSON Schema for ajv: `nullable` becomes a null alternative, objects refuse undocumented properties. */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const { nullable, example: _e, ...rest } = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(rest)) out[k] = k === 'enum' || k === 'required' ? v : toJsonSchema(v);
  // a documented object answers only its documented properties: a client generator relies on it
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return nullable ? { anyOf: [out, { type: 'null' }] } : out;
}

/** The documented schema of (operation, status), resolvable on its own (components carried along). */
export function documentedSchema(doc: Json, op: Json, status: number): Json | undefined {
  const schema = schemaOf(op.responses?.[String(status)]);
  if (!schema) return undefined;
  return { ...(toJsonSchema(schema) as Json), components: { schemas: toJsonSchema(doc.components?.schemas ?? {}) } };
}
