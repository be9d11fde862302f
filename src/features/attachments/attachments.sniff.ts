// The type of a file, read from its bytes (magic numbers), never from what the client says. The
// answer is one of a few types the service is willing to serve: a file that would render as a
// page or a script (HTML, SVG, XML) is text/plain or application/octet-stream, never itself.

/** Raster images a browser may show inline (a card's cover, `?inline=1`). */
export const INLINE_IMAGE_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
];

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length &&
  signature.every((byte, i) => bytes[offset + i] === byte);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const SIGNATURES: readonly { type: string; test: (bytes: Uint8Array) => boolean }[] = [
  { type: 'image/png', test: (b) => startsWith(b, [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a]) },
  { type: 'image/jpeg', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  {
    type: 'image/gif',
    test: (b) => startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a')),
  },
  {
    type: 'image/webp',
    test: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8),
  },
  { type: 'application/pdf', test: (b) => startsWith(b, ascii('%PDF-')) },
  // Also .docx, .xlsx, .odt, .jar …: all zip archives, and downloaded as such.
  {
    type: 'application/zip',
    test: (b) =>
      startsWith(b, [0x50, 0x4b, 0x03, 0x04]) ||
      startsWith(b, [0x50, 0x4b, 0x05, 0x06]) ||
      startsWith(b, [0x50, 0x4b, 0x07, 0x08]),
  },
  { type: 'application/gzip', test: (b) => startsWith(b, [0x1f, 0x8b]) },
];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Valid UTF-8 without control characters other than tab, line feed, form feed and return. */
function isText(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d)
      return false;
    if (byte === 0x7f) return false;
  }
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The type of the bytes: a known signature, else UTF-8 text, else application/octet-stream. */
export function sniffType(bytes: Uint8Array): string {
  for (const { type, test } of SIGNATURES) if (test(bytes)) return type;
  return isText(bytes) ? 'text/plain' : 'application/octet-stream';
}
