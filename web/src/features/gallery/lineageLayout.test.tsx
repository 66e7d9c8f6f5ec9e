import { fireEvent, screen, within } from "@testing-library/react";
import type { Lineage } from "src/api/assets";
import { LineageGraph } from "src/features/gallery/LineageGraph";
import { layerName, layoutLineage, NODE } from "src/features/gallery/lineageLayout";
import { asset } from "src/test/fixtures";
import { renderPage, stubFetch } from "src/test/render";

const edge = (id: number, parent: number, child: number, relation: string) => ({
  id,
  parent_asset_id: parent,
  child_asset_id: child,
  relation,
  operation: "image_to_video",
  sequence_order: 0,
  source_job_id: null,
  manual: false,
  created_at: "2026-03-01T10:00:00Z",
});

// 1 and 2 made 5; 5 made 8 and 9; 2 alone also made 7 (a sibling's parent, not shown as one).
const graph: Lineage = {
  root_id: 5,
  nodes: [
    { asset: asset(9), level: 1 },
    { asset: asset(2), level: -1 },
    { asset: asset(5, { media_type: "video" }), level: 0 },
    { asset: asset(1), level: -1 },
    { asset: asset(8), level: 1 },
    { asset: asset(3), level: -2 },
  ],
  edges: [edge(1, 1, 5, "first_frame"), edge(2, 2, 5, "last_frame"), edge(3, 5, 8, "extend"), edge(4, 5, 9, "upscale"), edge(5, 3, 2, "derived_from"), edge(6, 2, 77, "source")],
};

const byId = (layout: ReturnType<typeof layoutLineage>) => new Map(layout.nodes.map((n) => [n.asset.id, n]));

describe("the lineage layout", () => {
  it("puts ancestors left and descendants right, one column per generation", () => {
    const nodes = byId(layoutLineage(graph));
    const x = (id: number) => nodes.get(id)!.x;
    expect(x(3)).toBeLessThan(x(1));
    expect(x(1)).toBe(x(2));
    expect(x(2)).toBeLessThan(x(5));
    expect(x(5)).toBeLessThan(x(8));
    expect(x(8)).toBe(x(9));
    expect(nodes.get(5)!.current).toBe(true);
    expect([...nodes.values()].filter((n) => n.current)).toHaveLength(1);
  });

  it("puts ancestors above and descendants below when upright", () => {
    const nodes = byId(layoutLineage(graph, "vertical"));
    const y = (id: number) => nodes.get(id)!.y;
    expect(y(3)).toBeLessThan(y(2));
    expect(y(2)).toBeLessThan(y(5));
    expect(y(5)).toBeLessThan(y(9));
    expect(nodes.get(1)!.x).not.toBe(nodes.get(2)!.x);
  });

  it("keeps nodes apart and inside the drawing, and labels each drawn edge with its relation", () => {
    const layout = layoutLineage(graph);
    for (const a of layout.nodes) {
      expect(a.x + NODE.width).toBeLessThanOrEqual(layout.width);
      expect(a.y + NODE.height).toBeLessThanOrEqual(layout.height);
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart = a.x + NODE.width <= b.x || b.x + NODE.width <= a.x || a.y + NODE.height <= b.y || b.y + NODE.height <= a.y;
        expect(apart).toBe(true);
      }
    }
    // The edge to 77 leaves the fetched depth: not drawn.
    expect(layout.edges.map((e) => e.label).sort()).toEqual(["derived_from", "extend", "first_frame", "last_frame", "upscale"]);
    const first = layout.edges.find((e) => e.label === "first_frame")!;
    expect(first.path.startsWith(`M${byId(layout).get(1)!.x + NODE.width},`)).toBe(true);
  });

  it("orders a generation after its neighbours nearer the asset", () => {
    // 6 made 1 and 4 made 2: with 1 above 2 (by id), 6 goes above 4 despite its id.
    const crossed: Lineage = {
      root_id: 10,
      nodes: [10, 1, 2, 4, 6].map((id) => ({ asset: asset(id), level: id === 10 ? 0 : id < 3 ? -1 : -2 })),
      edges: [edge(1, 2, 10, "a"), edge(2, 1, 10, "b"), edge(3, 6, 1, "c"), edge(4, 4, 2, "d")],
    };
    const nodes = byId(layoutLineage(crossed));
    expect(nodes.get(1)!.y).toBeLessThan(nodes.get(2)!.y);
    expect(nodes.get(6)!.y).toBeLessThan(nodes.get(4)!.y);
  });

  it("names generations", () => {
    expect([-3, -2, -1, 0, 1, 2, 4].map(layerName)).toEqual([
      "1× great-grandparents",
      "grandparents",
      "parents",
      "this asset",
      "children",
      "grandchildren",
      "2× great-grandchildren",
    ]);
  });
});

describe("the lineage graph", () => {
  it("draws the graph, highlights the asset, and goes to a node's asset on click", async () => {
    const calls = stubFetch({ "GET /api/v1/assets/5/lineage": { body: graph } });
    const { router } = renderPage(<LineageGraph assetId={5} />, {
      path: "/gallery/5",
      routes: [{ path: "/gallery/:id", element: <p>another asset</p> }],
    });
    const figure = await screen.findByRole("figure", { name: "Lineage" });
    expect(calls[0]!.path).toBe("/api/v1/assets/5/lineage?depth=2");
    expect(figure.querySelectorAll(".lineage-node")).toHaveLength(6);
    expect(within(figure).getByRole("link", { name: "Asset #5 (this asset)" })).toHaveClass("current");
    expect(figure).toHaveTextContent("first_frame");
    expect(figure).toHaveTextContent("parents");

    fireEvent.click(within(figure).getByRole("link", { name: "Asset #8" }));
    expect(router.state.location.pathname).toBe("/gallery/8");
  });

  it("asks for more generations when told", async () => {
    const calls = stubFetch({ "GET /api/v1/assets/5/lineage": { body: graph } });
    renderPage(<LineageGraph assetId={5} />, { path: "/gallery/5" });
    fireEvent.change(await screen.findByLabelText("Generations"), { target: { value: "5" } });
    await screen.findByRole("figure", { name: "Lineage" });
    await vi.waitFor(() => expect(calls.map((c) => c.path)).toContain("/api/v1/assets/5/lineage?depth=5"));
  });
});
