import { act, fireEvent, screen } from "@testing-library/react";
import { useUrlParams } from "src/common/useUrlParams";
import { renderPage } from "src/test/render";

function Setter({ name }: { name: string }) {
  const [params, setParams] = useUrlParams();
  return (
    <button
      type="button"
      onClick={() =>
        setParams((current) => {
          const next = new URLSearchParams(current);
          next.set(name, "1");
          return next;
        })
      }
    >
      set {name} ({params.toString()})
    </button>
  );
}

test("two changes before a render, from two components, both land in the URL", async () => {
  const { router } = renderPage(
    <>
      <Setter name="a" />
      <Setter name="b" />
    </>,
    { path: "/page" },
  );
  // Neither button has rendered the first change when the second is pressed.
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "set a ()" }));
    await Promise.resolve();
    fireEvent.click(screen.getByRole("button", { name: "set b ()" }));
  });
  expect(router.state.location.search).toBe("?a=1&b=1");
});
