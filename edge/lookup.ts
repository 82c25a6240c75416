/** A table's own entry for a key that came from outside (`constructor` and `__proto__` name nothing). */
export const lookup = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);
