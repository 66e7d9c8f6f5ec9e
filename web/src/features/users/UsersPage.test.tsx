import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import UsersPage from "src/features/users/UsersPage";
import { renderPage, stubFetch } from "src/test/render";

const user = (id: number, email: string, role: "admin" | "user" = "user") => ({
  id,
  email,
  username: null,
  display_name: null,
  role,
  is_active: true,
  preferences: {},
  created_at: "2026-03-01T10:00:00Z",
  last_login_at: null,
  max_jobs_per_day: 1000,
  max_concurrent_jobs: 20,
  max_storage_bytes: 1024,
  max_provider_accounts: 50,
});

describe("UsersPage", () => {
  it("lets the admin add a user with a first password", async () => {
    const listed = [user(1, "admin@example.com", "admin")];
    const calls = stubFetch({
      "GET /api/v1/users/me": { body: listed[0] },
      "GET /api/v1/users": () => ({ body: { items: listed, next_cursor: null } }),
      "POST /api/v1/users": () => {
        listed.push(user(2, "new@example.com"));
        return { status: 201, body: listed[1] };
      },
    });
    renderPage(<UsersPage />);
    await userEvent.click(await screen.findByText("Add a user"));
    await userEvent.type(screen.getByLabelText("Email"), "new@example.com");
    await userEvent.type(screen.getByLabelText(/^First password/), "long enough");
    await userEvent.click(screen.getByRole("button", { name: "Add user" }));

    expect(await screen.findByText(/Added new@example.com/)).toBeInTheDocument();
    expect(await screen.findByRole("cell", { name: "new@example.com" })).toBeInTheDocument();
    const sent = calls.find((c) => c.method === "POST")!;
    expect(JSON.parse(sent.body)).toEqual({
      email: "new@example.com",
      password: "long enough",
      role: "user",
      username: null,
    });
  });

  it("lets the admin set a new password for a user, with the API's field error", async () => {
    const tooShort = { code: "validation_error", message: "invalid request", fields: { new_password: "too short" } };
    let tries = 0;
    const calls = stubFetch({
      "GET /api/v1/users/me": { body: user(1, "admin@example.com", "admin") },
      "GET /api/v1/users": { body: { items: [user(2, "lost@example.com")], next_cursor: null } },
      "POST /api/v1/users/2/password": () => (++tries === 1 ? { status: 422, body: { error: tooShort } } : { status: 204 }),
    });
    renderPage(<UsersPage />);
    const row = (await screen.findByRole("cell", { name: "lost@example.com" })).closest("tr")!;
    await userEvent.click(within(row).getByText("Password"));
    const input = within(row).getByLabelText("New password for lost@example.com");
    await userEvent.type(input, "short");
    await userEvent.click(within(row).getByRole("button", { name: "Set password" }));
    expect(await within(row).findByText("too short")).toBeInTheDocument();

    await userEvent.clear(input);
    await userEvent.type(input, "a new password");
    await userEvent.click(within(row).getByRole("button", { name: "Set password" }));
    expect(await within(row).findByText(/Password set; their sessions were signed out/)).toBeInTheDocument();
    const posts = calls.filter((c) => c.method === "POST");
    expect(posts.map((c) => JSON.parse(c.body))).toEqual([
      { new_password: "short" },
      { new_password: "a new password" },
    ]);
  });
});
