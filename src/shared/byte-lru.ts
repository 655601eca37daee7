// An in-memory map that forgets its least recently used entries when it holds too many or too many
// bytes: the page caches (public and staff) keep rendered HTML in it. Any query string makes a new
// key, so an entry count alone would not bound the memory.

/** V8 keeps a string with CJK text as two bytes a character. */
export const costOfString = (...parts: string[]) => parts.reduce((sum, p) => sum + p.length * 2, 0);

export class ByteBoundedLru<V> {
  private readonly entries = new Map<string, { value: V; cost: number }>();
  private used = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /** The value, now counted as the most recently used. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Stores the value unless it is bigger than an eighth of the budget (it would push out many
   * others): then it is not kept and the answer is false.
   */
  set(key: string, value: V, cost: number): boolean {
    if (this.maxBytes <= 0 || cost > this.maxBytes / 8) return false;
    this.delete(key);
    while (this.entries.size > 0 && (this.entries.size >= this.maxEntries || this.used + cost > this.maxBytes)) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.used -= entry.cost;
    }
    this.entries.set(key, { value, cost });
    this.used += cost;
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.used -= entry.cost;
  }

  /** Removes every entry whose key starts with `prefix` (a scan: for rare events such as a sign-out). */
  deleteByPrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.used;
  }
}
