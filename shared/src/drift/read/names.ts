/** Column names in messages: a header can hold a 1 MB name or 100,000 names, a message must stay readable. */

/** Names up to this many characters are shown whole; longer ones are cut, with their length. */
const WHOLE = 80;
const CUT_TO = 60;
/** Names listed in one message before the rest are counted. */
const LISTED = 30;

/** `name`, or its first 60 characters, an ellipsis and its length: `xxxx… (1,048,576 characters)`. */
export function shownName(name: string): string {
  return name.length <= WHOLE
    ? name
    : `${name.slice(0, CUT_TO)}… (${name.length.toLocaleString('en-US')} characters)`;
}

/** The first 30 names (each cut as `shownName` does, in `quote`s), then how many more there are. */
export function shownNames(names: readonly string[], quote = ''): string {
  const shown = names.slice(0, LISTED).map((name) => `${quote}${shownName(name)}${quote}`);
  if (names.length > LISTED) shown.push(`and ${names.length - LISTED} more`);
  return shown.join(', ');
}
