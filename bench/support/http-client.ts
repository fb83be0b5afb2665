import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** What the client thread sends back for one call: the body's shape, not the body. */
interface Reply {
  seq: number;
  status?: number;
  code?: string;
  candidates?: number;
  excluded?: { count: number }[];
  error?: string;
}

/**
 * An HTTP client on its own thread: fetch and JSON parsing of the answers then do not share the
 * server's event loop (they still share the process and its cores). `get(path)` resolves with the
 * body's shape once the answer is parsed.
 */
export function httpClientThread(base: string, headers: Record<string, string>) {
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { base, headers } });
  const waiting = new Map<number, (r: Reply) => void>();
  let seq = 0;
  worker.on('message', (r: Reply) => {
    waiting.get(r.seq)?.(r);
    waiting.delete(r.seq);
  });
  return {
    get: (path: string): Promise<{ candidates: unknown[]; excluded: { count: number }[] }> =>
      new Promise<Reply>((resolve) => {
        waiting.set(++seq, resolve);
        worker.postMessage({ seq, path });
      }).then((r) => {
        if (r.error) throw new Error(r.error);
        if (r.status !== 200) throw new Error(`HTTP ${r.status} ${r.code ?? ''}`);
        return { candidates: new Array(r.candidates), excluded: r.excluded! };
      }),
    close: () => worker.terminate().then(() => undefined),
  };
}

// the client thread itself
if (!isMainThread && parentPort) {
  const port = parentPort;
  const { base, headers } = workerData as { base: string; headers: Record<string, string> };
  port.on('message', async ({ seq, path }: { seq: number; path: string }) => {
    try {
      const res = await fetch(`${base}${path}`, { headers });
      const body = (await res.json()) as { candidates?: unknown[]; excluded?: { count: number }[]; code?: string };
      port.postMessage({ seq, status: res.status, code: body.code, candidates: body.candidates?.length ?? 0, excluded: body.excluded ?? [] } satisfies Reply);
    } catch (e) {
      port.postMessage({ seq, error: (e as Error).message } satisfies Reply);
    }
  });
}
