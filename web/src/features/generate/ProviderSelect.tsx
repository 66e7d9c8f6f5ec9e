import type { Provider } from "src/api/providers";
import { Field } from "src/common/Field";
import { providerLabel, readyFirst } from "src/features/generate/providerOrder";

interface Props {
  providers: Provider[];
  value: string;
  onChange: (providerId: string) => void;
}

/** The providers the user can run now first; the others say what they are missing. */
export function ProviderSelect({ providers, value, onChange }: Props) {
  const { ready, notReady } = readyFirst(providers);
  const groups = [
    { label: "Ready to run", items: ready },
    { label: "Needs setup first", items: notReady },
  ].filter((group) => group.items.length > 0);
  return (
    <Field label="Provider">
      <select name="provider" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose a provider…</option>
        {groups.map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.items.map((p) => (
              <option key={p.id} value={p.id}>
                {providerLabel(p)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </Field>
  );
}
