import { fireEvent, screen, waitFor } from "@testing-library/react";
import { CreditPools } from "src/features/accounts/CreditPools";
import { account, provider } from "src/test/fixtures";
import { renderPage, stubFetch } from "src/test/render";

const wait = { timeout: 3000 };

describe("CreditPools", () => {
  it("shows the pool an account spends from even before its balance is known", () => {
    stubFetch({});
    renderPage(<CreditPools account={account(7)} provider={provider("pixverse", [])} />);
    expect(screen.getByText(/openapi/)).toHaveTextContent("openapi: unknown");
    const sora = account(8, { provider_id: "sora", credit_pool: "usd_cents" });
    renderPage(<CreditPools account={sora} provider={provider("sora", [], { reports_balance: false })} />);
    expect(screen.getByText(/usd_cents/)).toHaveTextContent("usd_cents: no budget (not checked)");
  });

  it("sets a pool's credits from the page, and forgets them", async () => {
    const calls = stubFetch({
      "POST /api/v1/accounts/7/credits": { body: account(7, { credits: { openapi: 250 } }) },
      "DELETE /api/v1/accounts/7/credits/web": { body: account(7) },
    });
    renderPage(<CreditPools account={account(7, { credits: { web: 3 } })} />);
    fireEvent.click(screen.getByRole("button", { name: "Set credits in the openapi pool" }));
    fireEvent.change(screen.getByLabelText("Credits in the openapi pool"), { target: { value: "250" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/accounts/7/credits")).toBe(true), wait);
    const sent = calls.find((c) => c.path === "/api/v1/accounts/7/credits")!;
    expect(JSON.parse(sent.body)).toEqual({ credit_type: "openapi", amount: 250 });
    await waitFor(() => expect(screen.queryByLabelText("Credits in the openapi pool")).not.toBeInTheDocument(), wait);

    fireEvent.click(screen.getByRole("button", { name: "Forget the web balance" }));
    await waitFor(() => expect(calls.some((c) => c.method === "DELETE")).toBe(true), wait);
  });
});
