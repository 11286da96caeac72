// Namespace import: esbuild then drops zod's unused locales (~260 KB per bundle); `{ z }` keeps them.
import * as z from 'zod';
import { MAX_ATTACHMENTS_PER_TIP } from '#core/attachments/attachment-record';
import {
  LINK_TEXT,
  LINK_WITHOUT_USERINFO,
  MESSAGE_TEXT,
  MESSAGE_TEXT_PROBLEM,
  ONE_LINE_TEXT,
} from './text-safety';

/**
 * The contract of a submitted tip. The server validates with it, the reader form's
 * client-side checks are bundled from it and the OpenAPI document is generated from it:
 * there is no second copy of these rules.
 */
export const TIP_KINDS = ['tip', 'question'] as const;
export const TIP_TOPICS = [
  'russia-ukraine-war',
  'europe',
  'middle-east',
  'asia-pacific',
  'americas',
  'africa',
  'other',
] as const;

export const TOPIC_LABELS: Record<TipTopic, string> = {
  'russia-ukraine-war': 'Russia-Ukraine war',
  europe: 'Europe',
  'middle-east': 'Middle East',
  'asia-pacific': 'Asia-Pacific',
  americas: 'Americas',
  africa: 'Africa',
  other: 'Other',
};

export const LIMITS = {
  subject: 200,
  messageMin: 10,
  messageMax: 10_000,
  name: 100,
  email: 254,
  phone: 40,
  sourceUrl: 2_000,
  honeypot: 2_000,
  formToken: 200,
  uploadId: 100,
} as const;

/** The random nonce the form makes for one tip and sends with each upload request (upload-grant.ts). */
export const SUBMISSION_NONCE = /^[\w-]{16,64}$/;

const PHONE = /^[0-9+().\- ]+$/;
/**
 * `scheme://`, as typed: the URL parser alone would also take `https:example.org`. No flags:
 * the OpenAPI document carries the pattern, and a JSON Schema pattern has none.
 */
const HTTP_LINK = /^[hH][tT][tT][pP][sS]?:\/\//;
const LINK_PROTOCOL_PROBLEM = 'the link must be an http(s) address';
const LINK_USERINFO_PROBLEM =
  'the link must not contain a user name or password before its host (like user:pass@): it hides where the link goes';

const oneLine = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty: leave it out instead`)
    .max(max, `${what} must be at most ${max} characters`)
    .regex(
      ONE_LINE_TEXT,
      `${what} must be a single line without control or invisible formatting characters (bidi marks, zero-width spaces)`,
    );

export const tipSubmissionSchema = z
  .strictObject({
    kind: z.enum(TIP_KINDS, { error: 'choose whether this is a tip or a question' }),
    topic: z.enum(TIP_TOPICS, { error: 'choose one of the listed topics' }),
    subject: oneLine(LIMITS.subject, 'subject').optional(),
    message: z
      .string({ error: 'write your tip or question' })
      // Browsers send textarea line breaks as CRLF; one form of newline is stored.
      .transform((s) => s.replace(/\r\n?/g, '\n').trim())
      .pipe(
        z
          .string()
          .min(LIMITS.messageMin, `the message must be at least ${LIMITS.messageMin} characters`)
          .max(LIMITS.messageMax, `the message must be at most ${LIMITS.messageMax} characters`)
          .regex(MESSAGE_TEXT, MESSAGE_TEXT_PROBLEM),
      ),
    name: oneLine(LIMITS.name, 'name').optional(),
    email: z
      .string()
      .trim()
      .max(LIMITS.email, `the email address must be at most ${LIMITS.email} characters`)
      .pipe(z.email('enter a valid email address, like name@example.org'))
      .optional(),
    phone: z
      .string()
      .trim()
      .min(1, 'phone is empty: leave it out instead')
      .max(LIMITS.phone, `the phone number must be at most ${LIMITS.phone} characters`)
      .regex(PHONE, 'the phone number may contain only digits, spaces and + ( ) - .')
      .optional(),
    anonymous: z.boolean().optional(),
    /** Stored as the parser's normalised `href`: what the desk is shown is where the link goes. */
    sourceUrl: z
      .string()
      .trim()
      .max(LIMITS.sourceUrl, `the link must be at most ${LIMITS.sourceUrl} characters`)
      .regex(HTTP_LINK, LINK_PROTOCOL_PROBLEM)
      .regex(
        LINK_TEXT,
        'the link must not contain control or invisible formatting characters (such as bidi marks or zero-width spaces)',
      )
      .regex(LINK_WITHOUT_USERINFO, LINK_USERINFO_PROBLEM)
      .pipe(z.url({ protocol: /^https?$/, normalize: true, error: LINK_PROTOCOL_PROBLEM }))
      // The authority on userinfo is the parser itself: the pattern above is the form's copy.
      // z.url's issue does not stop this check: a value the parser refuses (`%40` or a space in
      // the host) arrives here unparsed, and has its one issue already.
      .refine((href) => {
        if (!URL.canParse(href)) return true;
        const url = new URL(href);
        return url.username === '' && url.password === '';
      }, LINK_USERINFO_PROBLEM)
      .optional(),
    consent: z.literal(true, { error: 'please accept the privacy notice so we can store your message' }),
    /** Honeypot: hidden in the form, so only bots fill it. */
    website: z.string().max(LIMITS.honeypot).optional(),
    /** The form's signed render time (form-token.ts): a bot posting at once is quarantined. */
    formToken: z.string().max(LIMITS.formToken).optional(),
    /** The form's nonce for this tip: the upload ids verify only against it (issue 12). */
    submission: z
      .string()
      .regex(SUBMISSION_NONCE, 'submission must be the form nonce: 16 to 64 letters, digits, - or _')
      .describe(
        'The random nonce the form made for this tip and sent with each POST /uploads; required with attachments',
      )
      .optional(),
    /** The upload ids of the files sent with the tip; intake checks each object before storing. */
    attachments: z
      .array(z.string().min(1).max(LIMITS.uploadId, 'not an upload id'))
      .max(MAX_ATTACHMENTS_PER_TIP, `at most ${MAX_ATTACHMENTS_PER_TIP} files per tip`)
      .describe(
        'The uploadId of each file posted with a POST /uploads grant of this submission; each must exist and be within the size limits',
      )
      .optional(),
  })
  .superRefine((tip, ctx) => {
    if (tip.attachments !== undefined && tip.attachments.length > 0 && tip.submission === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['attachments'],
        message: 'attachments need the submission they were uploaded for',
      });
    }
    if (!tip.anonymous) return;
    for (const field of ['name', 'email', 'phone'] as const) {
      if (tip[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `an anonymous ${tip.kind} cannot include your ${field}: remove it or turn off anonymous`,
        });
      }
    }
  });

export type TipKind = (typeof TIP_KINDS)[number];
export type TipTopic = (typeof TIP_TOPICS)[number];
/** A tip as the reader sent it, before validation. */
export type TipSubmissionInput = z.input<typeof tipSubmissionSchema>;
/** A tip after validation: trimmed, normalised, every rule checked. */
export type TipSubmission = z.output<typeof tipSubmissionSchema>;

/** One field's problem in a refused body: `path` names the field (`(body)` for the whole). */
export const fieldIssueSchema = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** Every issue of a failed validation, one per field problem, in a client-friendly shape. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: key, message: `${key} is not a field of a tip` }))
      : [{ path: issue.path.join('.') || '(body)', message: issue.message }],
  );
}
