/** `decodeURIComponent`, or undefined for a malformed escape: each caller decides what that means (refuse, fail closed). */
export function percentDecoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
