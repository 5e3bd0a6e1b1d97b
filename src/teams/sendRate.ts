/**
 * Spaces sends to stay within Teams' limits: a steady rate for the app in the tenant (Teams allows about 30
 * requests a second), and at most N a second to one conversation. The sender sends one message at a time, so a
 * wait here holds the queue back instead of provoking 429s.
 */
export class SendRate {
  private next = 0;
  private readonly recent = new Map<string, number[]>();
  private sharedBy = 1;

  constructor(private readonly options: { perSecond: number; perConversationPerSecond: number }) {}

  /** The limits are Teams' for the whole app: with `instances` sending, this one keeps to its part. */
  share(instances: number): void {
    this.sharedBy = Math.max(1, Math.floor(instances));
  }

  async take(conversation: string): Promise<void> {
    // A monotonic clock: pacing is about real elapsed time, whatever the wall clock (or a test) says.
    const now = performance.now();
    let at = Math.max(now, this.next);
    const perConversation = Math.max(1, Math.floor(this.options.perConversationPerSecond / this.sharedBy));
    const times = (this.recent.get(conversation) ?? []).filter((time) => time > at - 1000);
    if (times.length >= perConversation) at = Math.max(at, (times[times.length - perConversation] as number) + 1000);
    times.push(at);
    this.recent.set(conversation, times);
    this.next = at + (1000 * this.sharedBy) / this.options.perSecond;
    if (this.recent.size > 10_000) this.forget(now);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  private forget(now: number): void {
    for (const [conversation, times] of this.recent) if ((times[times.length - 1] ?? 0) < now - 1000) this.recent.delete(conversation);
  }
}
