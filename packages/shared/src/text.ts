import { z } from 'zod';

/*
 * One rule for every string a person writes (names, topics, display names, queries,
 * messages): Unicode normalised to NFC, so "é" typed two ways is one name and one search;
 * no control characters (PostgreSQL cannot store NUL at all, and the others are invisible
 * tricks); in names, no bidirectional controls, which make "\u202Egnp.exe" read as "exe.png".
 */

// C0 and C1 controls and DEL. Tab and line breaks are allowed in multi-line text only.
// eslint-disable-next-line no-control-regex
const CONTROL_ANY = /[\u0000-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Embeddings, overrides, isolates and marks: they reorder how the text around them is shown. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

export interface TextRule {
  min?: number;
  max: number;
  /** Tabs and line breaks allowed (messages); otherwise one line. */
  multiline?: boolean;
  /** A name others see beside their own text: bidirectional controls refused. */
  name?: boolean;
}

/**
 * A user-written string: NFC, within `min`…`max` characters, with no control characters
 * (see above). One-line text is trimmed; multi-line text keeps its spacing (an indented
 * first line of code stays indented) but must not be blank.
 */
export function userText({ min = 0, max, multiline = false, name = false }: TextRule) {
  return z
    .string()
    .transform((s) => (multiline ? s.normalize('NFC') : s.normalize('NFC').trim()))
    .pipe(
      z
        .string()
        // A check rather than a refinement, so the OpenAPI document states the limit (maxLength).
        .max(max, `at most ${max} characters`)
        .refine((s) => s.trim().length >= min, min === 1 ? 'must not be empty' : `at least ${min} characters`)
        .refine(
          (s) => !(multiline ? CONTROL_BUT_LINES : CONTROL_ANY).test(s),
          multiline
            ? 'must not contain control characters (other than tab and line breaks)'
            : 'must not contain control characters or line breaks',
        )
        .refine((s) => !name || !BIDI_CONTROLS.test(s), 'must not contain right-to-left or left-to-right override characters'),
    );
}

/** A seq or cursor from a query string: a whole number a database bigint and a JS number both hold exactly. */
export const seqParam = (min: number) => z.coerce.number().int().min(min).max(Number.MAX_SAFE_INTEGER, 'is too large');

/**
 * An id: a UUID, compared as lower case. PostgreSQL's uuid type ignores case, but ids are
 * also compared as strings (socket rooms, maps in memory), where `ABC…` and `abc…` are
 * two different rooms; so an id is lower-cased on the way in.
 */
export const uuid = z.string().toLowerCase().uuid();
