const started = process.hrtime.bigint();

/** Progress goes to stderr; stdout carries the results table only. */
export function log(message: string): void {
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(`[bench ${s.toFixed(1).padStart(5)}s] ${message}\n`);
}
