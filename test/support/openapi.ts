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

/** The schema `node` points at ($ref resolved, a lone allOf unwrapped). */
function resolve(doc: Json, node: Json | undefined): Json | undefined {
  let n = node;
  for (let i = 0; n && i < 10; i++) {
    if (n.$ref) n = doc.components?.schemas?.[String(n.$ref).split('/').pop()!];
    else if (Array.isArray(n.allOf) && n.allOf.length === 1 && !n.properties) n = n.allOf[0];
    else break;
  }
  return n;
}

/** A string that says nothing of its shape: no enum, format or pattern. */
const isFreeText = (s: Json | undefined) => s?.type === 'string' && !s.enum && !s.format && !s.pattern;

/**
 * The free-text fields of a request body schema, as dotted paths ("safety.allowExploitationAreaReason");
 * an array of free text counts as its field. Nested objects and arrays of objects are walked.
 */
export function freeTextFields(doc: Json, schema: Json | undefined, prefix = ''): string[] {
  const s = resolve(doc, schema);
  if (!s) return [];
  const props = { ...(s.properties ?? {}), ...Object.assign({}, ...(s.allOf ?? []).map((a: Json) => resolve(doc, a)?.properties ?? {})) };
  return Object.entries(props as Record<string, Json>).flatMap(([name, raw]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    const p = resolve(doc, raw)!;
    if (isFreeText(p)) return [path];
    if (p.type === 'array') {
      const items = resolve(doc, p.items);
      if (isFreeText(items)) return [path];
      if (items?.type === 'object' || items?.properties) return freeTextFields(doc, items, `${path}.0`);
      return [];
    }
    if (p.type === 'object' || p.properties || p.allOf) return freeTextFields(doc, p, path);
    return [];
  });
}

/** The JSON request body schema of an operation, if any. */
export const requestBodySchema = (op: Json): Json | undefined => op.requestBody?.content?.['application/json']?.schema;
