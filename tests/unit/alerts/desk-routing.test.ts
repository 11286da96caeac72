import { describe, expect, it } from 'vitest';
import { deskDeliveryFromConfig } from '#core/alerts/desk-delivery';
import { type DeskRouting, routeTip } from '#core/alerts/desk-routing';
import type { Mailer, RawMailer } from '#core/alerts/mailer';
import { ConfigError, loadConfig } from '#core/config/load-config';
import { notifierConfigSchema } from '#core/config/notifier-config';

const routing: DeskRouting = {
  default: ['world-desk@newsroom.example'],
  rules: [
    { topic: 'russia-ukraine-war', to: ['ukraine-team@newsroom.example'] },
    { kind: 'question', to: ['audience-team@newsroom.example'] },
    {
      topic: ['africa', 'middle-east'],
      kind: 'tip',
      to: ['south-desk@newsroom.example', 'editor@newsroom.example'],
    },
  ],
};

const baseEnv = {
  TIPS_TABLE: 'tips-test',
  DESK_ADDRESS: 'world-desk@newsroom.example',
  SENDER_ADDRESS: 'tipline@newsroom.example',
};

describe('routeTip', () => {
  it.each([
    [{ topic: 'russia-ukraine-war', kind: 'tip' }, ['ukraine-team@newsroom.example']],
    [{ topic: 'russia-ukraine-war', kind: 'question' }, ['ukraine-team@newsroom.example']],
    [{ topic: 'europe', kind: 'question' }, ['audience-team@newsroom.example']],
    [{ topic: 'africa', kind: 'tip' }, ['south-desk@newsroom.example', 'editor@newsroom.example']],
    [{ topic: 'europe', kind: 'tip' }, ['world-desk@newsroom.example']],
    // A topic the routing table has never heard of (added to the form later) goes to the default desk.
    [{ topic: 'antarctica', kind: 'tip' }, ['world-desk@newsroom.example']],
  ])('routes %o to %o', (tip, desks) => {
    expect(routeTip(routing, tip)).toEqual(desks);
  });
});

describe('routing and key config, validated at start', () => {
  it('parses DESK_ROUTING JSON and defaults the rules to none', () => {
    const config = loadConfig(notifierConfigSchema, {
      ...baseEnv,
      DESK_ROUTING: JSON.stringify({ default: ['world-desk@newsroom.example'] }),
    });
    expect(config.DESK_ROUTING).toEqual({ default: ['world-desk@newsroom.example'], rules: [] });
  });

  it.each([
    ['not JSON', '{default:', /DESK_ROUTING: must be valid JSON/],
    [
      'an unknown topic',
      JSON.stringify({ default: ['a@b.example'], rules: [{ topic: 'mars', to: ['c@d.example'] }] }),
      /DESK_ROUTING\.rules\.0\.topic/,
    ],
    [
      'a rule with no condition',
      JSON.stringify({ default: ['a@b.example'], rules: [{ to: ['c@d.example'] }] }),
      /DESK_ROUTING\.rules\.0: a rule must match/,
    ],
    [
      'a bad address',
      JSON.stringify({ default: ['not-an-address'] }),
      /DESK_ROUTING\.default\.0: must be an email address/,
    ],
    ['no default desk', JSON.stringify({ rules: [] }), /DESK_ROUTING\.default/],
  ])('refuses %s, naming the variable', (_what, value, message) => {
    expect(() => loadConfig(notifierConfigSchema, { ...baseEnv, DESK_ROUTING: value })).toThrow(message);
  });

  it('refuses a private key or non-key as a desk key', () => {
    const privateBlock = '-----BEGIN PGP PRIVATE KEY BLOCK-----\nabc\n-----END PGP PRIVATE KEY BLOCK-----';
    expect(() =>
      loadConfig(notifierConfigSchema, {
        ...baseEnv,
        DESK_PGP_KEYS: JSON.stringify({ 'world-desk@newsroom.example': privateBlock }),
      }),
    ).toThrow(/DESK_PGP_KEYS\.world-desk@newsroom\.example: must be an ASCII-armored OpenPGP public key/);
  });

  it('refuses a key for an address no route sends to (a typo would leave that desk in the clear)', () => {
    const mailer = {} as Mailer & RawMailer;
    const key = '-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n-----END PGP PUBLIC KEY BLOCK-----';
    expect(() =>
      deskDeliveryFromConfig({
        routing,
        deskAddress: 'world-desk@newsroom.example',
        deskKeys: { 'ukrain-team@newsroom.example': key },
        mailer,
        from: 'tipline@newsroom.example',
      }),
    ).toThrow(ConfigError);
  });
});
