import { ENV } from '#core/config/env-names';
import { ConfigError } from '#core/config/load-config';
import type { TipRecord } from '#core/tips/tip-record';
import { deskAlertEmail } from './desk-alert-email';
import { allDeskAddresses, type DeskRouting, routeTip } from './desk-routing';
import { type DigestDelivery, makeDigestDelivery } from './flood-digest';
import type { Mailer, RawMailer } from './mailer';
import {
  type AlertEncryptor,
  type DeskKeys,
  encryptedSubject,
  makeAlertEncryptor,
  pgpMimeMessage,
} from './pgp-alert';

export interface DeskDeliveryDeps {
  mailer: Mailer & RawMailer;
  /** The SES sender, written into the From header of the messages composed here. */
  from: string;
  routing: DeskRouting;
  encryptor?: AlertEncryptor;
  clock?: () => Date;
}

export interface Delivery {
  to: string[];
  encrypted: boolean;
  messageId: string;
}

/**
 * Sends one tip's alert to the desks routing names: one plain email to every desk without
 * a key, and one PGP/MIME email per desk with a key (each desk has its own key, and a
 * desk's copy must not depend on another desk's key being valid).
 */
export function makeDeskDelivery({
  mailer,
  from,
  routing,
  encryptor,
  clock = () => new Date(),
}: DeskDeliveryDeps) {
  return async function deliver(tip: TipRecord): Promise<Delivery[]> {
    const desks = routeTip(routing, tip);
    const keyed = encryptor ? desks.filter((d) => encryptor.hasKey(d)) : [];
    const plain = desks.filter((d) => !keyed.includes(d));
    const content = deskAlertEmail(tip);
    const sent: Delivery[] = [];
    if (plain.length > 0) {
      sent.push({ to: plain, encrypted: false, messageId: await mailer.send(plain, content) });
    }
    for (const desk of keyed) {
      const armored = await (encryptor as AlertEncryptor).encryptFor(desk, content);
      const mime = pgpMimeMessage({
        from,
        to: [desk],
        subject: encryptedSubject(tip.kind),
        armored,
        date: clock(),
      });
      sent.push({ to: [desk], encrypted: true, messageId: await mailer.sendRaw([desk], mime) });
    }
    return sent;
  };
}

export type DeskDelivery = ReturnType<typeof makeDeskDelivery>;

/**
 * Delivery from the notifier's config: no DESK_ROUTING sends everything to DESK_ADDRESS.
 * A key for an address routing never uses is a typo that would leave a desk in the clear,
 * so it fails the cold start, naming the variable.
 */
export function deskDeliveryFromConfig(config: DesksConfig): DeskDelivery {
  return desksFromConfig(config).deliver;
}

interface DesksConfig {
  routing?: DeskRouting | undefined;
  deskAddress: string;
  deskKeys?: DeskKeys | undefined;
  mailer: Mailer & RawMailer;
  from: string;
  /** STAFF_INBOX_URL: the digests link each tip to its page there. */
  inboxUrl?: string | undefined;
}

/**
 * Alerts and flood digests from the notifier's config, sharing one routing table and one
 * encryptor, so a digest goes exactly where the alerts it replaces would have gone.
 */
export function desksFromConfig({ routing, deskAddress, deskKeys, mailer, from, inboxUrl }: DesksConfig): {
  deliver: DeskDelivery;
  deliverDigest: DigestDelivery;
} {
  const table = routing ?? { default: [deskAddress], rules: [] };
  const known = allDeskAddresses(table).map((a) => a.toLowerCase());
  const stray = Object.keys(deskKeys ?? {}).filter((a) => !known.includes(a.toLowerCase()));
  if (stray.length > 0) {
    throw new ConfigError(
      `invalid configuration: ${ENV.DESK_PGP_KEYS}: ${stray.length} key(s) for an address no route sends to`,
    );
  }
  const encryptor =
    deskKeys && Object.keys(deskKeys).length > 0 ? { encryptor: makeAlertEncryptor(deskKeys) } : {};
  return {
    deliver: makeDeskDelivery({ mailer, from, routing: table, ...encryptor }),
    deliverDigest: makeDigestDelivery({ mailer, from, routing: table, inboxUrl, ...encryptor }),
  };
}
