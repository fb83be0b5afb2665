import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { principals } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { driveLifecycle, type RecordedAnswer } from './typed-client/lifecycle.js';

/**
 * Issue 15: a deployer generates a typed client from the OpenAPI document, and it compiles against
 * real answers. `npm run client:generate`'s script writes the types (openapi-typescript) from the
 * running service's /api/docs-json; typed-client/lifecycle.ts drives a lifecycle with openapi-fetch
 * typed by them and records every JSON answer; then ONE TypeScript program type-checks, against the
 * generated types: the lifecycle itself (every path, parameter and body it sends), each recorded answer
 * as a literal assigned to the documented type of its operation and status (a missing required
 * property, a wrong type, an enum value or a property the document does not know, an undocumented
 * status: each is a compile error), and deliberately wrong literals and calls that must NOT compile.
 */
const HERE = resolve('test/e2e/typed-client');
const GENERATED = join(HERE, 'approdo-api.d.ts'); // the stand-in whose place the generated types take

const ANSWER_TYPE = `import type { paths } from './approdo-api.js';
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body documented for (path, method, status); never when the document has no such answer. */
export type Answer<P extends keyof paths, M extends string, S extends number> = M extends keyof paths[P]
  ? paths[P][M] extends { responses: infer R } ? (S extends keyof R ? JsonOf<R[S]> : never) : never
  : never;
`;

const literal = (value: unknown) => JSON.stringify(value, null, 1);
const declare = (name: string, a: Pick<RecordedAnswer, 'path' | 'method' | 'status'>, body: unknown) =>
  `export const ${name}: Answer<${JSON.stringify(a.path)}, '${a.method}', ${a.status}> = ${literal(body)};\n`;

/** Every recorded answer, each assigned to the documented type of its operation and status. */
function answersFile(answers: RecordedAnswer[]): string {
  return (
    `import type { Answer } from './answer.js';\n` +
    answers.map((a, i) => declare(`answer${i}_${a.method}_${a.status}`, a, a.body)).join('')
  );
}

/** Each declaration but `unchanged` must fail to compile: the proof that the check above can fail. */
function wrongFile(request: RecordedAnswer): string {
  const body = request.body as Record<string, any>;
  const { caseCode: _dropped, ...missingRequired } = body;
  const [first, ...rest] = body.proposals as Record<string, unknown>[];
  return (
    `import createClient from 'openapi-fetch';\nimport type { paths } from './approdo-api.js';\nimport type { Answer } from './answer.js';\n` +
    declare('unchanged', request, body) +
    declare('missingRequired', request, missingRequired) +
    declare('wrongType', request, { ...body, purged: 'no' }) +
    declare('unknownEnumValue', request, { ...body, status: 'no_such_status' }) +
    declare('undocumentedProperty', request, { ...body, surprise: true }) +
    declare('nestedUnknownEnumValue', request, { ...body, proposals: [{ ...first, placeKind: 'sofa' }, ...rest] }) +
    declare('undocumentedStatus', { ...request, status: 418 }, body) +
    `const api = createClient<paths>({ baseUrl: 'http://127.0.0.1' });\n` +
    `export const incompleteRequestBody = () => api.POST('/api/v1/facilities', { body: { name: 'Casa' } });\n` +
    `export const unknownPath = () => api.GET('/api/v1/no-such-path');\n` +
    `export const missingPathParameter = () => api.GET('/api/v1/placement-requests/{id}');\n`
  );
}

/** One program: the project's compiler options, the generated types in the stand-in's place, the virtual files beside it. */
function typeCheck(generated: string, virtual: Record<string, string>): ts.Program {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    resolve('tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('tsconfig.json could not be read');
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, types: ['node'] };
  const files = new Map<string, string>([
    [GENERATED, generated],
    ...Object.entries(virtual).map(([name, text]): [string, string] => [join(HERE, name), text]),
  ]);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, language) : getSourceFile(name, language, onError, create);
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  host.readFile = (name) => files.get(name) ?? ts.sys.readFile(name);
  return ts.createProgram({
    rootNames: [join(HERE, 'lifecycle.ts'), ...Object.keys(virtual).map((name) => join(HERE, name))],
    options,
    host,
  });
}

/** The top-level declaration a diagnostic lies in, if any. */
function declarationOf(d: ts.Diagnostic): ts.VariableDeclaration | undefined {
  if (!d.file || d.start === undefined) return undefined;
  for (const statement of d.file.statements)
    if (ts.isVariableStatement(statement))
      for (const v of statement.declarationList.declarations) if (d.start >= v.pos && d.start < v.end) return v;
  return undefined;
}

/** file:line, the declaration (its name and documented type: which operation and status), the message. */
function describeDiagnostic(d: ts.Diagnostic): string {
  const where = d.file
    ? `${d.file.fileName.slice(HERE.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
    : '(program)';
  const v = declarationOf(d);
  const what = v && d.file ? ` ${v.name.getText(d.file)}${v.type ? `: ${v.type.getText(d.file)}` : ''}` : '';
  return `${where}${what} ${ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 400)}`;
}

/** The declarations of a file that have at least one diagnostic inside them. */
const declarationsWithErrors = (file: ts.SourceFile, diagnostics: readonly ts.Diagnostic[]) => [
  ...new Set(diagnostics.filter((d) => d.file === file).flatMap((d) => declarationOf(d)?.name.getText(file) ?? [])),
];

describe('a client typed by the generated OpenAPI types compiles against real answers (e2e)', () => {
  let t: TestApp;
  let work: string;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    work = await mkdtemp(join(tmpdir(), 'approdo-client-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(work, { recursive: true, force: true });
  });

  it('generates the types with the npm script, drives a lifecycle with them, and every answer type-checks; wrong ones do not', async () => {
    const base = await t.app.getUrl(); // http://127.0.0.1:<port>
    // the deployer's command (npm run client:generate -- <url> <file>), on the real document
    const out = join(work, 'approdo-api.d.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['scripts/generate-client.mjs', `${base}/api/docs-json`, out]);
    expect(stdout).toMatch(/types of \d+ paths/);
    const generated = await readFile(out, 'utf8');
    expect(generated).toContain('"/api/v1/placement-requests/{id}/proposals"');
    // a property documented as an object without properties (what `string | null` reflects to without
    // an explicit type) becomes Record<string, never>: a client could send nothing there
    expect(generated.split('\n').filter((line) => /^\s+[\w"]+\??: Record<string, never>/.test(line))).toEqual([]);

    const answers = await driveLifecycle(base, {
      admin: t.token(principals.admin()),
      national: t.token(principals.national()),
      uor: t.token(principals.uor('07')),
      manager: (ids) => t.token(principals.manager(...ids)),
    });
    // the lifecycle was driven: answers of each kind were recorded
    expect(answers.length).toBeGreaterThanOrEqual(40);
    expect([...new Set(answers.map((a) => a.status))].sort()).toEqual([200, 201, 400, 401, 403, 404, 409, 422]);
    const operations = new Set(answers.map((a) => `${a.method} ${a.path}`));
    for (const op of [
      'post /api/v1/placement-requests',
      'post /api/v1/capacity/search',
      'post /api/v1/placement-requests/{id}/proposals',
      'post /api/v1/proposals/{id}/accept',
      'post /api/v1/proposals/{id}/admit',
      'post /api/v1/placements/{id}/discharge',
      'get /api/v1/reports/{name}',
      'get /api/v1/capacity',
      'post /api/v1/facilities',
    ])
      expect(operations).toContain(op);
    const request = answers.find((a) => a.method === 'get' && a.path === '/api/v1/placement-requests/{id}' && a.status === 200);
    expect((request?.body as { proposals?: unknown[] } | undefined)?.proposals?.length).toBeGreaterThan(0);

    const program = typeCheck(generated, { 'answer.ts': ANSWER_TYPE, 'answers.ts': answersFile(answers), 'wrong.ts': wrongFile(request!) });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const wrong = program.getSourceFile(join(HERE, 'wrong.ts'))!;
    // the lifecycle's calls and every real answer compile against the generated types
    expect(diagnostics.filter((d) => d.file !== wrong).map(describeDiagnostic)).toEqual([]);
    // and the check can fail: each deliberately wrong literal or call is a compile error, the unchanged copy is not
    expect(declarationsWithErrors(wrong, diagnostics).sort()).toEqual(
      [
        'incompleteRequestBody',
        'missingPathParameter',
        'missingRequired',
        'nestedUnknownEnumValue',
        'undocumentedProperty',
        'undocumentedStatus',
        'unknownEnumValue',
        'unknownPath',
        'wrongType',
      ].sort(),
    );
  }, 180_000);
});
