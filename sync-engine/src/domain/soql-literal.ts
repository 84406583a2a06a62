/** A SOQL string literal: backslash and single quote escaped with a backslash, as are control characters. */
export function soqlLiteral(value: string): string {
  const escaped = value.replace(/[\\'\n\r\t\b\f"]/g, (char) => {
    switch (char) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\b':
        return '\\b';
      case '\f':
        return '\\f';
      default:
        return `\\${char}`;
    }
  });
  return `'${escaped}'`;
}

/**
 * Bytes `text` takes in the request line. jsforce encodes the query with `encodeURIComponent`, which leaves
 * `'` alone, but the WHATWG URL parser behind fetch percent-encodes `'` in the query of an http(s) URL
 * (the "special-query percent-encode set"), so every quote costs three bytes on the wire.
 */
export function wireLength(text: string): number {
  const encoded = encodeURIComponent(text);
  let quotes = 0;
  for (let i = encoded.indexOf("'"); i >= 0; i = encoded.indexOf("'", i + 1)) quotes += 1;
  return encoded.length + 2 * quotes;
}
