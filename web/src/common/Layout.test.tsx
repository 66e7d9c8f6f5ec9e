import { fireEvent, screen } from "@testing-library/react";
import { Layout } from "src/common/Layout";
import { renderPage, stubFetch } from "src/test/render";

describe("the signed-in frame", () => {
  it("folds the links behind Menu and folds them again after one is followed", async () => {
    stubFetch({ "GET /api/v1/users/me": { body: { id: 1, email: "me@example.com", role: "admin", username: null } } });
    const { router } = renderPage(<Layout />, { path: "/", routes: [{ path: "/jobs", element: <Layout /> }] });
    const menu = screen.getByRole("button", { name: "Menu" });
    expect(menu).toHaveAttribute("aria-expanded", "false");
    expect(menu).toHaveAttribute("aria-controls", "main-links");
    fireEvent.click(menu);
    expect(menu).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByRole("navigation", { name: "Main" })).toHaveClass("nav-open");
    // Admins see Users.
    expect(await screen.findByRole("link", { name: "Users" })).toBeInTheDocument();

    fireEvent.click(screen.getByRole("link", { name: "Jobs" }));
    expect(router.state.location.pathname).toBe("/jobs");
    expect(screen.getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "false");
  });
});
