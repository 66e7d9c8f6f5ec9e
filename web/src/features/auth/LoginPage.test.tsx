import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { token } from "src/api/client";
import { LoginPage } from "src/features/auth/LoginPage";
import { renderPage, stubFetch } from "src/test/render";

describe("LoginPage", () => {
  it("stores the token and goes to the page asked for", async () => {
    stubFetch({
      "POST /api/v1/auth/login": { body: { access_token: "tok", expires_at: "2030-01-01T00:00:00Z", user: {} } },
    });
    const { router } = renderPage(<LoginPage />, {
      path: "/login",
      url: "/login?next=%2Fjobs",
      routes: [{ path: "/jobs", element: <p>jobs</p> }],
    });
    await userEvent.type(screen.getByLabelText("Email or username"), "me");
    await userEvent.type(screen.getByLabelText("Password"), "secret pass");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    await screen.findByText("jobs");
    expect(token.get()).toBe("tok");
    expect(router.state.location.pathname).toBe("/jobs");
  });

  it("shows a wrong password without leaving the page", async () => {
    stubFetch({
      "POST /api/v1/auth/login": {
        status: 401,
        body: { error: { code: "invalid_credentials", message: "wrong email or password", fields: {} } },
      },
    });
    renderPage(<LoginPage />, { path: "/login" });
    await userEvent.type(screen.getByLabelText("Email or username"), "me");
    await userEvent.type(screen.getByLabelText("Password"), "nope");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("wrong email or password");
    expect(token.get()).toBeNull();
  });

  it.each([
    [true, 1],
    [false, 0],
  ])("offers to create an account only where registration is open (%s)", async (open, links) => {
    stubFetch({ "GET /api/v1/auth/registration": { body: { open } } });
    const { queryClient } = renderPage(<LoginPage />, { path: "/login" });
    await waitFor(() => expect(queryClient.getQueryData(["auth", "registration"])).toEqual({ open }));
    expect(screen.queryAllByRole("link", { name: "Create an account" })).toHaveLength(links);
  });
});
