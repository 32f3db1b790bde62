// printable: a student-controlled string (a log line, an error message, a file name) made safe to
// put in one line of a report. Control characters (line breaks, escape sequences, NUL) and the
// invisible characters that reorder or hide text (bidirectional overrides such as U+202E, zero-width
// spaces, the byte-order mark) are shown as escapes, so no such string can start a line of its own
// ("[PASS] … 100 / 100"), move the cursor or read backwards.

/** Characters shown as escapes: C0 and C1 controls, DEL, and the bidi, zero-width and BOM format characters. */
const HIDDEN = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g;

/** `text` with every HIDDEN character as \xNN (below U+0100) or \u{NNNN}; the rest unchanged. */
export function printable(text: string): string {
  return text.replace(HIDDEN, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16).toUpperCase()}}`;
  });
}
