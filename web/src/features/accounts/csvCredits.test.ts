import { parseCreditsCsv } from "src/features/accounts/csvCredits";

describe("parseCreditsCsv", () => {
  it("groups pools by account and skips a header", () => {
    const csv = "account_id,credit_type,amount\n1,web,40\n1,openapi,10\r\n2,web,5.5\n\n";
    expect(parseCreditsCsv(csv)).toEqual([
      { account_id: 1, credits: { web: 40, openapi: 10 } },
      { account_id: 2, credits: { web: 5.5 } },
    ]);
  });

  it("names the bad line", () => {
    expect(() => parseCreditsCsv("1,web,40\nx,web,lots")).toThrow("line 2");
  });
});
