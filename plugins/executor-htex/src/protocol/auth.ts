import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh random nonce for a connection's challenge. */
export function newNonce(): string {
  return randomBytes(24).toString('hex');
}

/** A fresh per-run secret. */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The answer to a challenge: HMAC-SHA256 over the nonce and the manager id. The secret never travels. */
export function challengeAnswer(secret: string, nonce: string, managerId: string): string {
  return createHmac('sha256', secret).update(`${nonce}\n${managerId}`).digest('hex');
}

/** Constant-time check of an answer. */
export function checkAnswer(secret: string, nonce: string, managerId: string, answer: unknown): boolean {
  if (typeof answer !== 'string' || answer.length !== 64) return false;
  const expected = Buffer.from(challengeAnswer(secret, nonce, managerId), 'hex');
  const given = Buffer.from(answer, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
