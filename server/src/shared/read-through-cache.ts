/**
 * Values a process reads through the pool on every request (a client's row, its signing keys) and
 * reuses for `ttlMs`. Concurrent misses of one key share one read: when an entry expired under
 * load, each request in flight used to send its own query on its own pool connection (14 at once
 * for one client's signing keys, seen in pg_stat_activity). A `forget` (after a write) drops the
 * entry, and a read that began before it does not store its value.
 */
export class ReadThroughCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    /** Real time in ms (performance.now, or a test's clock). */
    private readonly now: () => number = () => performance.now(),
    private readonly max = 10_000,
  ) {}

  get(key: string, read: () => Promise<V>): Promise<V> {
    const started = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > started) return hit.value;
    if (this.entries.size >= this.max) this.entries.clear();
    // Shared while pending; fresh for ttlMs from when the read began, as a read's age is counted.
    const entry = { value: read(), until: Number.POSITIVE_INFINITY };
    this.entries.set(key, entry);
    entry.value.then(
      () => {
        entry.until = started + this.ttlMs;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key); // a failure is not kept
      },
    );
    return entry.value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
