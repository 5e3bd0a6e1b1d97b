/**
 * A value read from storage, kept for a few seconds: the organisation and the settings are read on every answer
 * but change a few times a year. A change made in this process is seen at once; one made by another process
 * (a nightly run from a terminal, another instance) within `ttlMs`.
 */
export class Recent<T> {
  private value: { data: T; until: number } | undefined;

  constructor(private readonly ttlMs: number) {}

  async get(read: () => Promise<T>): Promise<T> {
    const now = performance.now();
    if (this.value && this.value.until > now) return this.value.data;
    const data = await read();
    this.value = { data, until: now + this.ttlMs };
    return data;
  }

  forget(): void {
    this.value = undefined;
  }
}
