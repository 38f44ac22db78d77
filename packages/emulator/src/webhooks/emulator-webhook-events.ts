import type { WebhookPerson, WebhookSender } from './webhook-sender';

/** A member as the webhook events name it: who acted, or whom the event is about. */
type Person = { id: string; name: string; username: string; email: string | null };

/** What `startEmulator` tells the webhook receivers, shaped as Bettermode's events are. */
export interface EmulatorWebhookEvents {
  /** `member.logged_in` / `member.logged_out`: the member is both the actor and the object. */
  memberEvent(name: 'member.logged_in' | 'member.logged_out', member: Person): void;
  /** `session.revoked`: a spent refresh token came back, so its session was ended. */
  sessionRevoked(member: Person | undefined): void;
  /** An event of the caller's own (for a receiver's tests); returns its id. */
  custom(
    name: string,
    event: { noun?: string; verb?: string; actor?: WebhookPerson; object?: Record<string, unknown> },
  ): string;
}

const personOf = (member: Person): WebhookPerson & Record<string, unknown> => ({
  id: member.id,
  name: member.name,
  username: member.username,
  email: member.email,
});

/** The emulator's webhook events on a sender. */
export function emulatorWebhookEvents(sender: WebhookSender): EmulatorWebhookEvents {
  return {
    memberEvent(name, member) {
      const person = personOf(member);
      sender.send(name, {
        noun: 'MEMBER',
        verb: name === 'member.logged_in' ? 'LOGGED_IN' : 'LOGGED_OUT',
        actor: person,
        object: person,
      });
    },
    sessionRevoked(member) {
      const about = member ? { actor: personOf(member), object: { id: member.id, reason: 'refresh-token-reuse' } } : {};
      sender.send('session.revoked', { noun: 'SESSION', verb: 'REVOKED', ...about });
    },
    custom: (name, event) =>
      sender.send(name, {
        noun: event.noun ?? 'CUSTOM',
        verb: event.verb ?? 'SENT',
        ...(event.actor ? { actor: event.actor } : {}),
        ...(event.object ? { object: event.object } : {}),
      }),
  };
}
