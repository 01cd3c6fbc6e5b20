/**
 * A message to sign as text people can read, or null when it is not plain UTF-8: control and bidi characters could
 * hide what is signed, so such a message is shown as hex only (by the coordinator and by each signer alike).
 */
export function printableMessage(message: Uint8Array): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(message);
    return /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text) ? null : text;
  } catch {
    return null;
  }
}
