import { type FormEvent, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { type Asset, useAsset } from "src/api/assets";
import { type Operation, type Provider, useProviders } from "src/api/providers";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import { formatCredits } from "src/common/format";
import { Loading } from "src/common/Loading";
import { InputSlot } from "src/features/generate/InputSlot";
import { ParamField } from "src/features/generate/ParamField";
import { type FormValues, initialValues } from "src/features/generate/paramValues";
import { useGenerate } from "src/features/generate/useGenerate";

function startingInputs(operation: Operation, seed?: Asset): Record<string, Asset[]> {
  const slot = seed && operation.inputs.find((i) => i.media_type === seed.media_type);
  return slot && seed ? { [slot.role]: [seed] } : {};
}

/** Provider → operation → a form drawn from the operation's spec. */
export default function GeneratePage() {
  const providers = useProviders();
  const [params] = useSearchParams();
  const seedAsset = useAsset(Number(params.get("input") ?? 0)).data;
  const [provider, setProvider] = useState<Provider>();
  const [operation, setOperation] = useState<Operation>();
  const [values, setValues] = useState<FormValues>({});
  const [inputs, setInputs] = useState<Record<string, Asset[]>>({});
  const [count, setCount] = useState(1);
  const [priority, setPriority] = useState(0);
  const generate = useGenerate();

  if (providers.isPending) return <Loading label="Loading providers…" />;
  if (providers.isError) return <ErrorMessage error={providers.error} />;

  function chooseOperation(op: Operation | undefined) {
    setOperation(op);
    setValues(op ? initialValues(op) : {});
    setInputs(op ? startingInputs(op, seedAsset) : {});
  }

  function chooseProvider(id: string) {
    const next = providers.data?.find((p) => p.id === id);
    setProvider(next);
    chooseOperation(next?.operations[0]);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (provider && operation) {
      void generate.submit({ providerId: provider.id, operation, values, inputs, count, priority });
    }
  }

  const estimate = generate.created.reduce((sum, job) => sum + job.estimated_credits, 0);
  return (
    <form className="stack generate" onSubmit={submit}>
      <h1>Generate</h1>
      {seedAsset && <p className="muted">Using asset #{seedAsset.id} as input.</p>}
      <div className="grid-2">
        <Field label="Provider" error={fieldError(generate.error, "provider_id")}>
          <select name="provider" value={provider?.id ?? ""} onChange={(e) => chooseProvider(e.target.value)}>
            <option value="">Choose a provider…</option>
            {providers.data.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {p.is_local ? " (this machine)" : ""}
              </option>
            ))}
          </select>
        </Field>
        {provider && (
          <Field label="Operation" error={fieldError(generate.error, "operation_type")} help={operation?.help}>
            <select
              name="operation"
              value={operation?.type ?? ""}
              onChange={(e) => chooseOperation(provider.operations.find((o) => o.type === e.target.value))}
            >
              {provider.operations.map((op) => (
                <option key={op.type} value={op.type}>
                  {op.label}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      {provider?.deprecation && <p className="error">{provider.deprecation}</p>}
      {operation && (
        <>
          {operation.inputs.map((slot) => (
            <InputSlot
              key={`${operation.type}-${slot.role}`}
              slot={slot}
              assets={inputs[slot.role] ?? []}
              error={fieldError(generate.error, `inputs.${slot.role}`)}
              onChange={(assets) => setInputs({ ...inputs, [slot.role]: assets })}
            />
          ))}
          <div className="grid-2">
            {operation.params.map((param) => (
              <ParamField
                key={`${operation.type}-${param.name}`}
                param={param}
                value={values[param.name] ?? ""}
                error={fieldError(generate.error, `params.${param.name}`)}
                onChange={(value) => setValues({ ...values, [param.name]: value })}
              />
            ))}
          </div>
          <div className="row">
            <Field label="How many" help="Each gets the next seed">
              <input type="number" min={1} max={20} value={count} onChange={(e) => setCount(Number(e.target.value))} />
            </Field>
            <Field label="Priority" error={fieldError(generate.error, "priority")} help="Higher runs first">
              <input type="number" min={-1000} max={1000} value={priority} onChange={(e) => setPriority(Number(e.target.value))} />
            </Field>
          </div>
          <ErrorMessage error={generate.error} />
          <div className="row">
            <button type="submit" className="primary" disabled={generate.pending}>
              {generate.pending ? "Queueing…" : count > 1 ? `Generate ${count}` : "Generate"}
            </button>
            {generate.created.length > 0 && (
              <span className="notice" role="status">
                Queued {generate.created.map((job, i) => (
                  <span key={job.id}>
                    {i > 0 && ", "}
                    <Link to={`/jobs/${job.id}`}>#{job.id}</Link>
                  </span>
                ))}{" "}
                · estimated cost {formatCredits(estimate)} credits
              </span>
            )}
          </div>
        </>
      )}
    </form>
  );
}
