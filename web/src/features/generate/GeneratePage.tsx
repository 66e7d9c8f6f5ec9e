import { useState } from "react";
import { useSearchParams } from "react-router";
import { useAsset } from "src/api/assets";
import { useProviders } from "src/api/providers";
import { EmptyState } from "src/common/EmptyState";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import { Loading } from "src/common/Loading";
import { GenerateForm } from "src/features/generate/GenerateForm";

/** Provider → operation → a form drawn from the operation's spec. */
export default function GeneratePage() {
  const providers = useProviders();
  const [params] = useSearchParams();
  const seedAsset = useAsset(Number(params.get("input") ?? 0)).data;
  const [providerId, setProviderId] = useState("");
  const [operationType, setOperationType] = useState("");

  if (providers.isPending) return <Loading label="Loading providers…" />;
  if (providers.isError) return <ErrorMessage error={providers.error} />;
  if (providers.data.length === 0) return <EmptyState title="No providers are enabled">Ask an admin to enable one.</EmptyState>;

  const provider = providers.data.find((p) => p.id === providerId);
  const operation = provider?.operations.find((o) => o.type === operationType) ?? provider?.operations[0];
  return (
    <div className="stack generate">
      <h1>Generate</h1>
      {seedAsset && <p className="muted">Using asset #{seedAsset.id} as input.</p>}
      <div className="grid-2">
        <Field label="Provider">
          <select
            name="provider"
            value={providerId}
            onChange={(e) => {
              setProviderId(e.target.value);
              setOperationType("");
            }}
          >
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
          <Field label="Operation" help={operation?.help}>
            <select name="operation" value={operation?.type ?? ""} onChange={(e) => setOperationType(e.target.value)}>
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
      {provider && !operation && <EmptyState title={`${provider.name} offers no operations`} />}
      {provider && operation && (
        // Keyed: another operation is another form, with its own values and errors.
        <GenerateForm key={`${provider.id}/${operation.type}`} providerId={provider.id} operation={operation} seed={seedAsset} />
      )}
    </div>
  );
}
