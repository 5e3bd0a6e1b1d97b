/**
 * Spaces sends to stay within Teams' limits: a steady rate for the app in the tenant (Teams allows about 30
 * requests a second), and at most N a second to one conversation. A wait here holds the send back instead of
 * provoking 429s. A send that must wait for its conversation takes a later slot without holding up sends to other
 * conversations.
 *
 * The app's sends go on a grid of slots `1 / perSecond` apart on the wall clock. With several instances, each
 * takes its turn: instance `index` of `of` uses every `of`-th slot, so that together they send evenly at the
 * app's rate instead of each at a share with bursts where their paces happen to meet.
 */
export class SendRate {
  /** Grid slots taken for sends still to come, by number. */
  private readonly taken = new Set<number>();
  private readonly recent = new Map<string, number[]>();
  private turn = { index: 0, of: 1 };
  /** Wall clock minus the monotonic clock: the grid is on the wall clock, which instances share. */
  private offset = Date.now() - performance.now();

  constructor(private readonly options: { perSecond: number; perConversationPerSecond: number }) {}

  /**
   * With `instances` sending (this one the `index`-th), this one takes its turn of the app's rate. The limit per
   * conversation is not divided: the delivery queue hands a recipient's messages, written together, to one
   * instance at a time, and dividing it would leave an instance waiting on a teacher's few cards in a row.
   */
  share(instances: number, index = 0): void {
    const of = Math.max(1, Math.floor(instances));
    this.turn = { index: ((Math.floor(index) % of) + of) % of, of };
    this.offset = Date.now() - performance.now();
  }

  async take(conversation: string): Promise<void> {
    // A monotonic clock: pacing is about real elapsed time, whatever the wall clock (or a test) says.
    const now = performance.now();
    const interval = 1000 / this.options.perSecond;
    const { index, of } = this.turn;
    const times = (this.recent.get(conversation) ?? []).filter((time) => time > now - 1000);
    let earliest = now;
    if (times.length >= this.options.perConversationPerSecond) earliest = Math.max(earliest, (times[times.length - this.options.perConversationPerSecond] as number) + 1000);
    const current = Math.floor((this.offset + now) / interval);
    for (const slot of this.taken) if (slot < current) this.taken.delete(slot);
    let slot = Math.ceil((this.offset + earliest) / interval);
    slot += (((index - slot) % of) + of) % of;
    while (this.taken.has(slot)) slot += of;
    this.taken.add(slot);
    const at = Math.max(now, slot * interval - this.offset);
    times.push(at);
    times.sort((a, b) => a - b);
    this.recent.set(conversation, times);
    if (this.recent.size > 10_000) this.forget(now);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  private forget(now: number): void {
    for (const [conversation, times] of this.recent) if ((times[times.length - 1] ?? 0) < now - 1000) this.recent.delete(conversation);
  }
}
