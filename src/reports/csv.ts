/**
 * CSV as RFC 4180 has it, for the report downloads: a field is quoted only when it holds a comma, a
 * double quote, CR or LF (quotes doubled inside); CRLF between records and after the last; a
 * byte-order mark first, without which Excel reads UTF-8 as its local code page.
 *
 * Written here rather than with csv-stringify (which the facility export still uses): a year of
 * `people` is 36,000 rows of codes and counts, and csv-stringify's per-field work took about
 * 240 ms of it (bench/reports.ts), this about a tenth of that. csv.spec.ts checks it against
 * csv-parse and byte for byte against csv-stringify.
 */
export type CsvValue = string | number | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One record: its fields joined by commas, without the line break. */
export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',');
}

/** The UTF-8 byte-order mark, as bytes: as a character it would make the whole text two bytes a character. */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Lines per chunk: a chunk of a few tens of kB, never one buffer of megabytes (see `jsonChunks`). */
const LINES_PER_CHUNK = 500;

/** A document of lines made by `csvLine`, the header first, as the chunks of bytes sent. */
export function csvDocument(lines: string[]): Buffer[] {
  const chunks: Buffer[] = [BOM];
  for (let i = 0; i < lines.length; i += LINES_PER_CHUNK)
    chunks.push(Buffer.from(`${lines.slice(i, i + LINES_PER_CHUNK).join('\r\n')}\r\n`, 'utf8'));
  return chunks;
}
