import { isNotFound, keyOf, type Storage } from "./storage";

/** Where a user can be reached proactively: the conversation reference of their 1:1 chat with the bot. */
export interface UserConversation {
  userId: string;
  /** A Bot Framework ConversationReference, stored as Teams sent it. */
  reference: Record<string, unknown>;
  locale?: string | undefined;
  /** The display name Teams gave when the user last wrote to the bot (a teacher's or leader's, never a pupil's). */
  name?: string | undefined;
  /** Set when Teams refused delivery for good (blocked, uninstalled, conversation gone). */
  unreachable?: { reason: string; at: string } | undefined;
  updatedAt: string;
}

interface ConversationEntity {
  partitionKey: string;
  rowKey: string;
  reference: string;
  locale?: string;
  name?: string;
  unreachable?: string;
  updatedAt: string;
}

const PARTITION = "user";

/** Conversation references keyed by the user's Entra object id (`from.aadObjectId`). */
export class ConversationRepository {
  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("conversations");
  }

  async save(conversation: UserConversation): Promise<void> {
    await this.table.upsertEntity<ConversationEntity>(
      {
        partitionKey: PARTITION,
        rowKey: keyOf(conversation.userId),
        reference: JSON.stringify(conversation.reference),
        locale: conversation.locale ?? "",
        name: conversation.name ?? "",
        unreachable: conversation.unreachable ? JSON.stringify(conversation.unreachable) : "",
        updatedAt: conversation.updatedAt,
      },
      "Replace",
    );
  }

  /** Every stored conversation (for the status of who cannot be reached). */
  async list(): Promise<UserConversation[]> {
    const all: UserConversation[] = [];
    for await (const entity of this.table.listEntities<ConversationEntity>()) {
      const found = await this.get(decodeURIComponent(entity.rowKey));
      if (found) all.push(found);
    }
    return all;
  }

  async get(userId: string): Promise<UserConversation | undefined> {
    try {
      const entity = await this.table.getEntity<ConversationEntity>(PARTITION, keyOf(userId));
      return {
        userId,
        reference: JSON.parse(entity.reference) as Record<string, unknown>,
        locale: entity.locale || undefined,
        name: entity.name || undefined,
        unreachable: entity.unreachable ? (JSON.parse(entity.unreachable) as { reason: string; at: string }) : undefined,
        updatedAt: entity.updatedAt,
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
