import type { EstimateResult } from "src/api/jobs";
import { formatCredits } from "src/common/format";

interface Props {
  result?: EstimateResult;
  error: unknown;
  /** A newer request is being priced (or typed): what is shown may be out of date. */
  updating: boolean;
  count: number;
}

const credits = (n: number) => `${formatCredits(n)} ${n === 1 ? "credit" : "credits"}`;

/** What the form's request would cost, per credit pool when the provider has several. */
export function CostEstimate({ result, error, updating, count }: Props) {
  let body;
  if (error) {
    body = <span className="muted">No estimate: {error instanceof Error ? error.message : String(error)}</span>;
  } else if (!result) {
    body = <span className="muted">Estimating…</span>;
  } else if (result.invalid) {
    body = <span className="muted">No estimate until the form is complete.</span>;
  } else {
    const { costs, credit_type, estimated_credits } = result.estimate;
    const pools = Object.entries(costs);
    const times = (n: number) => (count > 1 ? `${count} × ${formatCredits(n)} = ${credits(n * count)}` : credits(n));
    body =
      pools.length === 0 || (pools.length === 1 && estimated_credits === 0) ? (
        <strong>Free</strong>
      ) : pools.length === 1 ? (
        <>
          <strong>{times(estimated_credits)}</strong> <span className="muted">from {credit_type}</span>
        </>
      ) : (
        <>
          <ul className="estimate-pools">
            {pools.map(([pool, cost]) => (
              <li key={pool} className={pool === credit_type ? "current" : undefined}>
                <span>{pool}</span> <strong>{times(cost)}</strong>
              </li>
            ))}
          </ul>
          <small className="muted">The pool of the account that runs it pays.</small>
        </>
      );
  }
  return (
    <section className={updating ? "estimate estimate-updating" : "estimate"} aria-label="Cost estimate" aria-busy={updating}>
      <span className="field-label">
        Estimated cost {updating && <span className="spinner spinner-small" aria-hidden />}
      </span>
      <div aria-live="polite">{body}</div>
    </section>
  );
}
