import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RegisterPage } from "src/features/auth/RegisterPage";
import { renderPage, stubFetch } from "src/test/render";

describe("RegisterPage", () => {
  it("shows the API's field errors next to their fields", async () => {
    stubFetch({
      "POST /api/v1/auth/register": {
        status: 422,
        body: { error: { code: "validation_error", message: "invalid request", fields: { password: "too short" } } },
      },
    });
    renderPage(<RegisterPage />, { path: "/register" });
    await userEvent.type(screen.getByLabelText("Email"), "a@b.co");
    await userEvent.type(screen.getByLabelText(/^Password/), "x");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));

    const error = await screen.findByText("too short");
    expect(error.closest("label")).toHaveTextContent("Password");
  });

  it("goes to the login page with the email filled in", async () => {
    const calls = stubFetch({ "POST /api/v1/auth/register": { status: 201, body: { id: 1 } } });
    const { router } = renderPage(<RegisterPage />, {
      path: "/register",
      routes: [{ path: "/login", element: <p>login</p> }],
    });
    await userEvent.type(screen.getByLabelText("Email"), "a@b.co");
    await userEvent.type(screen.getByLabelText(/^Password/), "long enough");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));

    await screen.findByText("login");
    expect(router.state.location.search).toContain("email=a%40b.co");
    expect(JSON.parse(calls[0]!.body)).toEqual({ email: "a@b.co", password: "long enough", username: null });
  });
});
