/**
 * Salesforce record ids as SOQL and the API compare them: 15 case-sensitive characters, or 18 where the
 * last 3 encode the case of the first 15, so the 18-character form survives case-insensitive tools (what
 * the CASESAFEID() formula returns; "What are Salesforce IDs composed of?", help.salesforce.com 000385008).
 * The API answers 18 characters; reports and spreadsheets often hold 15.
 */

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Each 5-character chunk of the 15 gives one suffix character: bit i set when character i is uppercase. */
export function suffixOf(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const char = id15[chunk * 5 + i];
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

/** The first 15 characters with their case read from the suffix; undefined when the suffix cannot be theirs. */
function recased(id15: string, suffix: string): string | undefined {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix[chunk].toUpperCase());
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i += 1) {
      const char = id15[chunk * 5 + i];
      const upper = (bits & (1 << i)) !== 0;
      if (/[0-9]/.test(char)) {
        if (upper) return undefined;
        out += char;
      } else out += upper ? char.toUpperCase() : char.toLowerCase();
    }
  }
  return out;
}

/**
 * The 18-character id `text` names, or undefined when it is not an id. A 15-character id is taken as written
 * (its case is part of it); an 18-character id in any case is the record its suffix says.
 */
export function caseSafeId(text: string): string | undefined {
  if (!ID_SHAPE.test(text)) return undefined;
  const id15 = text.length === 15 ? text : recased(text.slice(0, 15), text.slice(15));
  return id15 === undefined ? undefined : id15 + suffixOf(id15);
}
