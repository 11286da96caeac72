import { ENV } from '#core/config/env-names';
import { ConfigError } from '#core/config/load-config';
import type { TipRecord } from '#core/tips/tip-record';
import { deskAlertEmail, type EmailContent } from './desk-alert-email';
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
 * Sends one email's content to the given desks: one plain email to every desk without a key,
 * and one PGP/MIME email per desk with a key (each desk has its own key, and a desk's copy must
 * not depend on another desk's key being valid). An encrypted copy's outer subject is
 * `outerSubject`: the content's own subject travels only inside the encryption.
 */
export function makeDeskSend({
  mailer,
  from,
  encryptor,
  clock = () => new Date(),
}: Omit<DeskDeliveryDeps, 'routing'>) {
  return async function send(
    desks: string[],
    content: EmailContent,
    outerSubject: string,
  ): Promise<Delivery[]> {
    const keyed = encryptor ? desks.filter((d) => encryptor.hasKey(d)) : [];
    const plain = desks.filter((d) => !keyed.includes(d));
    const sent: Delivery[] = [];
    if (plain.length > 0) {
      sent.push({ to: plain, encrypted: false, messageId: await mailer.send(plain, content) });
    }
    for (const desk of keyed) {
      const armored = await (encryptor as AlertEncryptor).encryptFor(desk, content);
      const mime = pgpMimeMessage({ from, to: [desk], subject: outerSubject, armored, date: clock() });
      sent.push({ to: [desk], encrypted: true, messageId: await mailer.sendRaw([desk], mime) });
    }
    return sent;
  };
}

export type DeskSend = ReturnType<typeof makeDeskSend>;

/** Sends one tip's alert to the desks routing names, encrypted for those with a key (makeDeskSend). */
export function makeDeskDelivery({ routing, ...deps }: DeskDeliveryDeps) {
  const send = makeDeskSend(deps);
  return async function deliver(tip: TipRecord): Promise<Delivery[]> {
    return send(routeTip(routing, tip), deskAlertEmail(tip), encryptedSubject(tip.kind));
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
  const encryptor = deskEncryptorFromConfig(table, deskKeys);
  return {
    deliver: makeDeskDelivery({ mailer, from, routing: table, ...encryptor }),
    deliverDigest: makeDigestDelivery({ mailer, from, routing: table, inboxUrl, ...encryptor }),
  };
}

/**
 * The encryptor of DESK_PGP_KEYS for a routing table (none without keys). A key for an address
 * routing never uses is a typo that would leave a desk in the clear, so it fails the cold start,
 * naming the variable. The notifier (alerts, digests) and receipts (notices) share it.
 */
export function deskEncryptorFromConfig(
  routing: DeskRouting,
  deskKeys: DeskKeys | undefined,
): { encryptor?: AlertEncryptor } {
  const known = allDeskAddresses(routing).map((a) => a.toLowerCase());
  const stray = Object.keys(deskKeys ?? {}).filter((a) => !known.includes(a.toLowerCase()));
  if (stray.length > 0) {
    throw new ConfigError(
      `invalid configuration: ${ENV.DESK_PGP_KEYS}: ${stray.length} key(s) for an address no route sends to`,
    );
  }
  return deskKeys && Object.keys(deskKeys).length > 0 ? { encryptor: makeAlertEncryptor(deskKeys) } : {};
}
