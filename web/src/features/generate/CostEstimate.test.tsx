import { render, screen } from "@testing-library/react";
import { ApiError } from "src/api/client";
import { CostEstimate } from "src/features/generate/CostEstimate";

const priced = (costs: Record<string, number>, credit_type: string | null) => ({
  estimate: {
    provider_id: "p",
    operation_type: "text_to_video",
    params: {},
    credit_type,
    estimated_credits: credit_type ? (costs[credit_type] ?? 0) : 0,
    costs,
  },
});
const box = () => screen.getByRole("region", { name: "Cost estimate" });

describe("the cost estimate", () => {
  it("says Free when nothing is charged", () => {
    render(<CostEstimate result={priced({}, null)} error={null} updating={false} count={2} />);
    expect(box()).toHaveTextContent("Free");
  });

  it("names the one pool, and multiplies by how many", () => {
    render(<CostEstimate result={priced({ credits: 1.5 }, "credits")} error={null} updating={false} count={2} />);
    expect(box()).toHaveTextContent("2 × 1.50 = 3 credits from credits");
  });

  it("asks for a complete form on a refusal, and says why when pricing failed", () => {
    const { rerender } = render(
      <CostEstimate result={{ invalid: new ApiError(422, "validation_error", "invalid", {}) }} error={null} updating count={1} />,
    );
    expect(box()).toHaveTextContent("No estimate until the form is complete");
    expect(box()).toHaveAttribute("aria-busy", "true");
    rerender(<CostEstimate result={undefined} error={new Error("server down")} updating={false} count={1} />);
    expect(box()).toHaveTextContent("No estimate: server down");
  });
});
