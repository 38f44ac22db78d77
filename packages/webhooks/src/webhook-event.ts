/** What every Bettermode webhook body holds. */
export interface WebhookEnvelope<Data = Record<string, unknown>> {
  networkId: string;
  /** `NETWORK` for network-wide webhooks. */
  context: 'NETWORK' | 'SPACE' | 'POST' | 'MEMBER' | (string & {});
  entityId?: string;
  currentSettings?: unknown[];
  /** `TEST` for the URL challenge, `SUBSCRIPTION` for events. */
  type: 'TEST' | 'SUBSCRIPTION' | (string & {});
  data: Data;
}

/** The `data` of the URL challenge Bettermode sends when a webhook URL is saved. */
export interface WebhookChallengeData {
  challenge: string;
}

/** A member as webhook payloads carry it (the fields Bettermode's `Member` type names). */
export interface WebhookMember {
  id: string;
  name?: string | null;
  username?: string;
  email?: string | null;
  roleId?: string;
  networkId?: string;
}

/** The `data` of an event (`type: 'SUBSCRIPTION'`): what happened, to what, by whom. */
export interface WebhookSubscriptionData<Object = Record<string, unknown>> {
  /** The event's unique id: the same on every delivery of one event. */
  id: string;
  /** The event, e.g. `member.logged_in` or `post.published`. */
  name: string;
  /** What kind of thing it is about, e.g. `MEMBER`, `POST`, `SPACE`. */
  noun?: string;
  /** What happened, e.g. `CREATED`, `UPDATED`, `DELETED`. */
  verb?: string;
  /** When it happened (ISO 8601). */
  time?: string;
  actorId?: string;
  objectId?: string;
  targetId?: string;
  actor?: WebhookMember;
  object?: Object;
  target?: Record<string, unknown>;
}

/** A verified webhook. */
export type WebhookEvent<Data = WebhookSubscriptionData | WebhookChallengeData | Record<string, unknown>> =
  WebhookEnvelope<Data> & {
    /** A unique id to handle each event once: `data.id`, else a digest of the body. */
    id: string;
    /** When Bettermode sent this delivery (`X-Bettermode-Request-Timestamp`), in ms since the epoch. */
    timestamp: number;
  };
