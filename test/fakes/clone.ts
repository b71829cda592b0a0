/** Deep copy that keeps the prototype, so a fake hands out detached objects the way a database does. */
export function cloneEntity<T extends object>(entity: T): T {
  const copy = Object.create(Object.getPrototypeOf(entity)) as T;
  for (const [key, value] of Object.entries(entity)) {
    (copy as Record<string, unknown>)[key] = cloneValue(value);
  }
  return copy;
}

function cloneValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(cloneValue);
  if (Object.getPrototypeOf(value) !== Object.prototype) return cloneEntity(value);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, cloneValue(inner)]));
}
