import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { token } from "src/api/client";
import { RegisterPage } from "src/features/auth/RegisterPage";
import { renderPage, stubFetch } from "src/test/render";

describe("RegisterPage", () => {
  it("shows the API's field errors next to their fields", async () => {
    stubFetch({
      "GET /api/v1/auth/registration": { body: { open: true } },
      "POST /api/v1/auth/register": {
        status: 422,
        body: { error: { code: "validation_error", message: "invalid request", fields: { password: "too short" } } },
      },
    });
    renderPage(<RegisterPage />, { path: "/register" });
    await userEvent.type(await screen.findByLabelText("Email"), "a@b.co");
    await userEvent.type(screen.getByLabelText(/^Password/), "x");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));

    const error = await screen.findByText("too short");
    expect(error.closest("label")).toHaveTextContent("Password");
  });

  it("signs the new user in and goes to the dashboard", async () => {
    const calls = stubFetch({
      "GET /api/v1/auth/registration": { body: { open: true } },
      "POST /api/v1/auth/register": {
        status: 201,
        body: { access_token: "new-tok", expires_at: "2030-01-01T00:00:00Z", user: { id: 1 } },
      },
    });
    const { router } = renderPage(<RegisterPage />, {
      path: "/register",
      routes: [{ path: "/", element: <p>dashboard</p> }],
    });
    await userEvent.type(await screen.findByLabelText("Email"), "a@b.co");
    await userEvent.type(screen.getByLabelText(/^Password/), "long enough");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));

    await screen.findByText("dashboard");
    expect(router.state.location.pathname).toBe("/");
    expect(token.get()).toBe("new-tok");
    const sent = calls.find((c) => c.method === "POST")!;
    expect(JSON.parse(sent.body)).toEqual({ email: "a@b.co", password: "long enough", username: null });
  });

  it("says registration is closed where it is, and offers no form", async () => {
    stubFetch({ "GET /api/v1/auth/registration": { body: { open: false } } });
    renderPage(<RegisterPage />, { path: "/register" });
    expect(await screen.findByRole("heading", { name: "Registration is closed" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Create account" })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/login");
  });
});
