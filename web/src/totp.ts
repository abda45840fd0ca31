// What an authenticator app is given to add a login: the otpauth:// URI its camera reads
// from the QR code, and the same secret as text to type, grouped for reading.

/** A name the key URI format can carry: no colon, which separates the issuer from the
 * account in the label (some apps split on an encoded one too). */
function labelPart(text: string): string {
  return text.replace(/:/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The secret without what apps need not see: padding, spaces, lower case. */
function bareSecret(secret: string): string {
  return secret.replace(/[\s=]/g, '').toUpperCase();
}

/** The Key URI of a TOTP secret (base32) for `account` at `issuer`, as authenticator
 * apps read it: `otpauth://totp/Issuer:account?secret=…&issuer=…`, with Cognito's
 * algorithm, digits and period spelled out. */
export function otpauthUri(issuer: string, account: string, secret: string): string {
  const name = labelPart(issuer);
  const label = `${encodeURIComponent(name)}:${encodeURIComponent(labelPart(account))}`;
  const query = [
    `secret=${bareSecret(secret)}`,
    `issuer=${encodeURIComponent(name)}`,
    'algorithm=SHA1',
    'digits=6',
    'period=30',
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}

/** The secret in groups of four (`ABCD EFGH …`): easier to read out and type. */
export function groupSecret(secret: string): string[] {
  return bareSecret(secret).match(/.{1,4}/g) ?? [];
}
