// How text that identifies something is stored and compared: one form (Unicode NFC), compared
// exactly on every database (binary collations on MySQL, as SQLite compares). Accents and
// look-alike spellings therefore never reach another account or label.

/** An email as accounts are stored and looked up: trimmed, lower case, NFC. */
export const normalizeEmail = (email: string): string =>
  email.trim().toLowerCase().normalize('NFC');

/** A name that identifies something (a label's) as stored and compared: trimmed, NFC. */
export const normalizeName = (name: string): string => name.trim().normalize('NFC');
