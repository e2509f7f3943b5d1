/**
 * Bounds on the user text a message carries (#14): a 1 MB CSV header line or a 10 KB name must not become a 1 MB
 * error annotation. Long runs without spaces (names, header lines, paths), long lines and long messages are cut,
 * each cut marked with an ellipsis and the size of what was there.
 */

/** A run of characters without whitespace (a name, a header line, a path) keeps at most this many characters. */
export const MAX_WORD_CHARS = 300;
/**
 * A whole message keeps at most this many characters (cut marks included). A long message is cut in its middle:
 * its end often says what to do (the role to grant, the command to run).
 */
export const MAX_MESSAGE_CHARS = 4000;

const count = (n: number) => n.toLocaleString('en-US');
const longWord = new RegExp(`\\S{${MAX_WORD_CHARS + 1},}`, 'g');

/** `text` cut to about `keep` characters: its start, an ellipsis, and how long it was. */
function cut(text: string, keep: number): string {
  return `${text.slice(0, keep)}…(${count(text.length)} characters)`;
}

/** `text` cut to about `keep` characters: its start and its end, and between them how much was left out. */
function cutMiddle(text: string, keep: number): string {
  const head = Math.ceil(keep * 0.6);
  const tail = keep - head;
  return `${text.slice(0, head)}…(${count(text.length - head - tail)} characters left out)…${text.slice(-tail)}`;
}

/**
 * A message with every long word and the whole cut to the bounds above. Text within the bounds is returned
 * unchanged.
 */
export function boundText(message: string): string {
  if (message.length <= MAX_WORD_CHARS) return message;
  const words = message.replace(longWord, (word) => cut(word, MAX_WORD_CHARS - 40));
  return words.length <= MAX_MESSAGE_CHARS ? words : cutMiddle(words, MAX_MESSAGE_CHARS - 60);
}
