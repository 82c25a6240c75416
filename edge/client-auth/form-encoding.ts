/**
 * RFC 6749 §2.3.1: the client id and secret are each `application/x-www-form-urlencoded` before HTTP Basic. The
 * WHATWG serializer leaves `*-._` and alphanumerics as they are (space becomes `+`), and `~` is kept too: it is
 * unreserved (RFC 3986), a decoding server reads it either way, and servers that do not decode (Glewlwyd, Doorkeeper)
 * only match what was left as typed. Percent-encoding everything but alphanumerics, as HTML 4 did, breaks those.
 */
export function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1).replace(/%7E/g, '~');
}

/** The `Authorization` value of `client_secret_basic`. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  // Encoded first, so only ASCII reaches btoa.
  return `Basic ${btoa(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`)}`;
}
