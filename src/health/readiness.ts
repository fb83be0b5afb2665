/** Pure: the migrations this build expects that the database has not applied (newer extra rows are fine). */
export function pendingMigrations(expected: readonly string[], applied: readonly string[]): string[] {
  const done = new Set(applied);
  return expected.filter((name) => !done.has(name));
}
