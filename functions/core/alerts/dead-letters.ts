import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** What a failed alert leaves behind: enough to resend it (the tip itself stays in the table). */
export interface DeadLetter {
  tipId: string;
  reason: string;
  failedAt: string;
}

export interface ReceivedLetter {
  /** Undefined for a message that names no tip (the stream's own batch metadata). */
  letter?: DeadLetter;
  raw: string;
  handle: string;
}

/** The alert dead-letter queue: SQS in AWS; on a laptop the local stack hands in a file (local/stack). */
export interface DeadLetterQueue {
  put(letter: DeadLetter): Promise<void>;
  /** Takes everything currently queued; each must then be removed or given back. */
  receiveAll(): Promise<ReceivedLetter[]>;
  remove(received: ReceivedLetter): Promise<void>;
  /** Leaves a letter queued for the next redrive. */
  keep(received: ReceivedLetter): Promise<void>;
}

/**
 * Reads a letter in either shape the queue holds: the notifier's `{tipId}`, or the local
 * stream feed's `{record}` (a whole stream record, whose key is the tip id).
 */
export function parseLetter(raw: string): DeadLetter | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const v = value as {
    tipId?: unknown;
    reason?: unknown;
    failedAt?: unknown;
    record?: { dynamodb?: { Keys?: { id?: { S?: unknown } } } };
  };
  const tipId = typeof v.tipId === 'string' ? v.tipId : v.record?.dynamodb?.Keys?.id?.S;
  if (typeof tipId !== 'string' || tipId === '') return undefined;
  return {
    tipId,
    reason: typeof v.reason === 'string' ? v.reason : 'stream-retries-exhausted',
    failedAt: typeof v.failedAt === 'string' ? v.failedAt : new Date(0).toISOString(),
  };
}

export function makeSqsDeadLetters(sqs: SQSClient, queueUrl: string): DeadLetterQueue {
  return {
    async put(letter) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(letter) }));
    },
    async receiveAll() {
      const out: ReceivedLetter[] = [];
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            // Long enough for a redrive run; a crashed run's messages come back by themselves.
            VisibilityTimeout: 300,
          }),
        );
        if (Messages.length === 0) return out;
        for (const m of Messages) {
          const raw = m.Body ?? '';
          out.push({ raw, handle: m.ReceiptHandle ?? '', ...optionalLetter(parseLetter(raw)) });
        }
      }
    },
    async remove(received) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: received.handle }));
    },
    // Not deleting it is enough: it becomes visible again after the visibility timeout.
    async keep() {},
  };
}

export const optionalLetter = (letter: DeadLetter | undefined) => (letter ? { letter } : {});
