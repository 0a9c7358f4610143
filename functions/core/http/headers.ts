/** A header's value, matched case-insensitively (API Gateway keeps the client's casing). */
export function headerValue(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === wanted) return value ?? undefined;
  return undefined;
}
