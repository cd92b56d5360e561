import { createHash } from 'node:crypto';
import type { DeadLetter } from '../read-model-store.port';

/** Dead letters are stored as JSON with bigints as decimal strings, the same in every adapter. */
export function encodeDeadLetter(letter: DeadLetter): string {
  return JSON.stringify({ ...letter, position: letter.position.toString(), streamRevision: letter.streamRevision.toString() });
}

export function decodeDeadLetter(json: string): DeadLetter {
  const raw = JSON.parse(json) as Omit<DeadLetter, 'position' | 'streamRevision'> & { position: string; streamRevision: string };
  return { ...raw, position: BigInt(raw.position), streamRevision: BigInt(raw.streamRevision) };
}

export function deadLetterId(projection: string, position: bigint): string {
  return `${projection}:${position}`;
}

/** The digest of one stored document, as listed by digests(): the canonical JSON the checksum hashes. */
export function docDigest(canonicalDoc: string): string {
  return createHash('sha256').update(canonicalDoc).digest('hex');
}

export const MAX_DEAD_LETTER_LIST = 10_000;

/** A shadow projection's dead letter as the live projection's, when a verified rebuild promotes the shadow. */
export function movedDeadLetter(letter: DeadLetter, from: string, to: string): DeadLetter {
  const blockedBy = letter.blockedBy === null ? null : `${to}:${letter.blockedBy.slice(from.length + 1)}`;
  return { ...letter, id: deadLetterId(to, letter.position), projection: to, blockedBy };
}
