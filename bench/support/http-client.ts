import { fork } from 'node:child_process';
import { Agent, get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** What the client sends back for one call: the body's shape, not the body. */
interface Reply {
  seq: number;
  status?: number;
  code?: string;
  /** the answer's `id`, when it has one */
  id?: string;
  candidates?: number;
  excluded?: { count: number }[];
  /** the body's length, when the call asked for bytes only */
  bytes?: number;
  error?: string;
}

interface Call {
  seq: number;
  path: string;
  method?: string;
  body?: unknown;
  /** read the body to its end and answer its length only (not parsed, not kept) */
  bytes?: boolean;
}

/** A plain GET read to its last byte and counted, not kept: node's own HTTP client, lighter than fetch for megabytes. */
function countBytes(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    get(url, { headers, agent: keepAlive }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    }).on('error', reject);
  });
}
const keepAlive = new Agent({ keepAlive: true });

/** One HTTP call as the client thread or process makes it. */
async function answer(base: string, headers: Record<string, string>, { seq, path, method, body, bytes }: Call): Promise<Reply> {
  try {
    if (bytes) return { seq, ...(await countBytes(`${base}${path}`, headers)) };
    const res = await fetch(`${base}${path}`, {
      method: method ?? 'GET',
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

    const json = (await res.json()) as { id?: string; candidates?: unknown[]; excluded?: { count: number }[]; code?: string };
    return {
      seq,
      status: res.status,
      code: json.code,
      id: json.id,
      candidates: json.candidates?.length ?? 0,
      excluded: json.excluded ?? [],
    };
  } catch (e) {
    return { seq, error: (e as Error).message };
  }
}

/** The calls on top of a message channel to the client (thread or process). */
function calls(send: (c: Call) => void, onReply: (fn: (r: Reply) => void) => void) {
  const waiting = new Map<number, (r: Reply) => void>();
  let seq = 0;
  onReply((r) => {
    waiting.get(r.seq)?.(r);
    waiting.delete(r.seq);
  });
  const call = (c: Omit<Call, 'seq'>) =>
    new Promise<Reply>((resolve) => {
      waiting.set(++seq, resolve);
      send({ ...c, seq });
    });
  return {
    get: (path: string): Promise<{ candidates: unknown[]; excluded: { count: number }[] }> =>
      call({ path }).then((r) => {
        if (r.error) throw new Error(r.error);
        if (r.status !== 200) throw new Error(`HTTP ${r.status} ${r.code ?? ''}`);
        return { candidates: new Array(r.candidates), excluded: r.excluded! };
      }),
    /** GET, the body read whole as bytes: resolves with status and length (rejects only when no answer came) */
    bytes: (path: string): Promise<{ status: number; bytes: number }> =>
      call({ path, bytes: true }).then((r) => {
        if (r.error) throw new Error(r.error);
        return { status: r.status!, bytes: r.bytes ?? 0 };
      }),
    /** any method; resolves with status, code and id (rejects only when no answer came) */
    send: (method: string, path: string, body?: unknown): Promise<{ status: number; code?: string; id?: string }> =>
      call({ method, path, body }).then((r) => {
        if (r.error) throw new Error(r.error);
        return { status: r.status!, code: r.code, id: r.id };
      }),
  };
}

/**
 * An HTTP client on its own thread: fetch and JSON parsing of the answers then do not share the
 * server's event loop (they still share the process and its cores). `get(path)` resolves with the
 * body's shape once the answer is parsed.
 */
export function httpClientThread(base: string, headers: Record<string, string>) {
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { base, headers } });
  return {
    ...calls(
      (c) => worker.postMessage(c),
      (fn) => worker.on('message', fn),
    ),
    close: () => worker.terminate().then(() => undefined),
  };
}

/**
 * The same client in a child process: the server's process then spends CPU on serving only, so its
 * CPU time (process.cpuUsage) is the service's.
 */
export function httpClientProcess(base: string, headers: Record<string, string>) {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, BENCH_HTTP_CLIENT: JSON.stringify({ base, headers }) },
    stdio: 'inherit',
  });
  return {
    ...calls(
      (c) => child.send(c),
      (fn) => child.on('message', (m) => fn(m as Reply)),
    ),
    pid: child.pid,
    close: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill();
      }),
  };
}

// the client thread itself
if (!isMainThread && parentPort) {
  const port = parentPort;
  const { base, headers } = workerData as { base: string; headers: Record<string, string> };
  port.on('message', async (c: Call) => port.postMessage(await answer(base, headers, c)));
}

// the client process itself
if (isMainThread && process.send && process.env.BENCH_HTTP_CLIENT) {
  const { base, headers } = JSON.parse(process.env.BENCH_HTTP_CLIENT) as { base: string; headers: Record<string, string> };
  process.on('message', async (c: Call) => process.send!(await answer(base, headers, c)));
}
