/** Parse "account_id,credit_type,amount" lines (a header line is skipped) into bulk updates. */
export function parseCreditsCsv(text: string): { account_id: number; credits: Record<string, number> }[] {
  const byAccount = new Map<number, Record<string, number>>();
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length < 3 || cells.every((c) => !c)) continue;
    const [id, pool, amount] = cells as [string, string, string];
    if (index === 0 && Number.isNaN(Number(id))) continue;
    const accountId = Number(id);
    const value = Number(amount);
    if (!Number.isInteger(accountId) || !pool || Number.isNaN(value)) {
      throw new Error(`line ${index + 1}: expected account_id,credit_type,amount`);
    }
    byAccount.set(accountId, { ...byAccount.get(accountId), [pool]: value });
  }
  return [...byAccount].map(([account_id, credits]) => ({ account_id, credits }));
}
